/**
 * The parts of ocpp-rpc the service uses, loaded without what it never uses: the ONE module that loads ocpp-rpc at
 * run time (the rest of adapters/ocpp imports from here; `import type` from 'ocpp-rpc' stays fine).
 *
 * Why not `import ... from 'ocpp-rpc'`: its index loads lib/standard-validators.js, which builds Ajv validators for
 * all of OCPP 1.6, 2.0.1 and 2.1 (1.6 MB of schemas) at load time, and the index also loads its own copy of Ajv for
 * `createValidator`: ~0.3 s of CPU at every service start (bench/cli-startup-bench.ts), for validators the service
 * replaces anyway (every RPCServer and RPCClient here gets `strictModeValidators: strictValidators()`, which replace
 * the stock ones by subprotocol name: schema-validators.ts). So the stock list is registered in the require cache
 * as empty before ocpp-rpc's files load, and each class comes from its own file; `createValidator` (and its Ajv)
 * loads at the first OCPP message that is validated. Nothing is silently weaker: ocpp-rpc throws "Missing strictMode
 * validator for subprotocol ..." for a strict-mode subprotocol without a validator. test/adapters/ocpp/ocpp-rpc.test.ts
 * checks that these are the very objects the index exports (an ocpp-rpc upgrade that moves them fails there).
 */
import { createRequire, Module } from 'node:module';
import type * as OcppRpc from 'ocpp-rpc';

const require = createRequire(import.meta.url);

/** Where ocpp-rpc keeps its stock validators (pinned by the test above). */
export const stockValidatorsFile = require.resolve('ocpp-rpc/lib/standard-validators.js');

// A process that loaded ocpp-rpc's index before this module (some tests do) keeps its stock validators.
if (require.cache[stockValidatorsFile] === undefined) {
  const empty = new Module(stockValidatorsFile);
  empty.filename = stockValidatorsFile;
  empty.loaded = true;
  empty.exports = [];
  require.cache[stockValidatorsFile] = empty;
}

export const RPCServer = require('ocpp-rpc/lib/server.js') as typeof OcppRpc.RPCServer;
export type RPCServer = OcppRpc.RPCServer;
export const RPCClient = require('ocpp-rpc/lib/client.js') as typeof OcppRpc.RPCClient;
export type RPCClient = OcppRpc.RPCClient;
export const { createRPCError } = require('ocpp-rpc/lib/util.js') as Pick<typeof OcppRpc, 'createRPCError'>;
export const { TimeoutError } = require('ocpp-rpc/lib/errors.js') as Pick<typeof OcppRpc, 'TimeoutError'>;

/** ocpp-rpc's `createValidator` (loads its Ajv on the first call). */
export function createValidator(...args: Parameters<typeof OcppRpc.createValidator>): ReturnType<typeof OcppRpc.createValidator> {
  return (require('ocpp-rpc/lib/validator.js') as Pick<typeof OcppRpc, 'createValidator'>).createValidator(...args);
}
