/**
 * adapters/ocpp/ocpp-rpc.ts: ocpp-rpc loaded without its stock validators (built at load time for all of OCPP
 * 1.6, 2.0.1 and 2.1, and never used by the service). Its classes are the very objects ocpp-rpc's index exports
 * (an upgrade that moves its files fails here), the stock list is empty, and strict mode is never silently weaker:
 * a strict subprotocol without one of our validators is refused by ocpp-rpc itself.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as rpc from '../../../adapters/ocpp/ocpp-rpc.ts';
import { strictValidators } from '../../../adapters/ocpp/schema-validators.ts';

const require = createRequire(import.meta.url);

describe('ocpp-rpc without its stock validators', () => {
  it('registers an empty stock list before ocpp-rpc loads', () => {
    expect(require.cache[rpc.stockValidatorsFile]?.exports).toEqual([]);
  });

  it('exports the same classes and functions as the ocpp-rpc index', () => {
    const index = require('ocpp-rpc') as typeof import('ocpp-rpc');
    expect(rpc.RPCServer).toBe(index.RPCServer);
    expect(rpc.RPCClient).toBe(index.RPCClient);
    expect(rpc.createRPCError).toBe(index.createRPCError);
    expect(rpc.TimeoutError).toBe(index.TimeoutError);
    const validator = rpc.createValidator('ocpp1.6', []);
    expect(validator).toBeInstanceOf(index.createValidator('ocpp1.6', []).constructor);
  });

  it('refuses strict mode for a subprotocol without a validator, and accepts ours for every version', () => {
    expect(() => new rpc.RPCServer({ protocols: ['ocpp1.6'], strictMode: true })).toThrow("Missing strictMode validator for subprotocol 'ocpp1.6'");
    const server = new rpc.RPCServer({ protocols: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'], strictMode: true, strictModeValidators: strictValidators() });
    expect(server).toBeInstanceOf(rpc.RPCServer);
    const problem = (() => {
      try {
        void strictValidators()[0]!.validate('urn:BootNotification.req', { chargePointModel: 'm' });
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(problem).toMatch(/chargePointVendor/);
  });
});
