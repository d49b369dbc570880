/**
 * Strict-mode schema validators for ocpp-rpc, one per subprotocol, built from the official OCA JSON
 * schemas that ocpp-rpc 2.2.1 bundles (lib/schemas/ocpp1_6.json, ocpp2_0_1.json, ocpp2_1.json).
 *
 * The 2.1 defect: ocpp-rpc looks schemas up as `urn:<Action>.req` / `urn:<Action>.conf`, but its bundled
 * 2.1 schemas carry the ids `urn:<Action>Request` / `urn:<Action>Response`, so its stock 2.1 strict mode
 * rejects every message ("Schema 'urn:BootNotification.req' is missing", mikuso/ocpp-rpc PR #94). We
 * remap the ids and build the validator with ocpp-rpc's own `createValidator`, so the checks (and its
 * tolerant `multipleOf`) are exactly the library's.
 *
 * Also dropped, for every version: `additionalProperties` on definitions that are not objects (the OCA
 * enum types carry it). It means nothing on a string and only makes Ajv print "strict mode" warnings.
 */
import { createRequire } from 'node:module';
import type { createValidator as CreateValidator } from 'ocpp-rpc';
import { createValidator } from './ocpp-rpc.ts';
import type { OcppSubprotocol } from './protocol.ts';

const require = createRequire(import.meta.url);

type JsonSchema = { $id?: string; definitions?: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** The ocpp-rpc `Validator` type (not exported by name from its index). */
export type OcppValidator = ReturnType<typeof CreateValidator>;

const schemaFiles: Record<OcppSubprotocol, string> = {
  'ocpp1.6': 'ocpp-rpc/lib/schemas/ocpp1_6.json',
  'ocpp2.0.1': 'ocpp-rpc/lib/schemas/ocpp2_0_1.json',
  'ocpp2.1': 'ocpp-rpc/lib/schemas/ocpp2_1.json',
};

/** `urn:XRequest` -> `urn:X.req`, `urn:XResponse` -> `urn:X.conf`; other ids unchanged. */
export function remapSchemaId(id: string): string {
  const request = /^urn:(.+)Request$/.exec(id);
  if (request) return `urn:${request[1]}.req`;
  const response = /^urn:(.+)Response$/.exec(id);
  if (response) return `urn:${response[1]}.conf`;
  return id;
}

function withoutNonObjectAdditionalProperties(schema: JsonSchema): JsonSchema {
  if (!schema.definitions) return schema;
  const definitions: Record<string, Record<string, unknown>> = {};
  for (const [name, def] of Object.entries(schema.definitions)) {
    if (def.type !== undefined && def.type !== 'object' && 'additionalProperties' in def) {
      const { additionalProperties: _dropped, ...rest } = def;
      definitions[name] = rest;
    } else definitions[name] = def;
  }
  return { ...schema, definitions };
}

/** The bundled official schemas of one subprotocol, ids in the form ocpp-rpc looks up. */
export function officialSchemas(subprotocol: OcppSubprotocol): JsonSchema[] {
  const raw = require(schemaFiles[subprotocol]) as JsonSchema[];
  return raw.map((schema) => {
    const cleaned = withoutNonObjectAdditionalProperties(schema);
    return subprotocol === 'ocpp2.1' && cleaned.$id ? { ...cleaned, $id: remapSchemaId(cleaned.$id) } : cleaned;
  });
}

const subprotocols = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as const;
const built = new Map<OcppSubprotocol, OcppValidator>();

/** The Ajv-backed validator of one subprotocol, built at its first use and kept for the process. */
function builtValidator(subprotocol: OcppSubprotocol): OcppValidator {
  let validator = built.get(subprotocol);
  if (!validator) {
    validator = createValidator(subprotocol, officialSchemas(subprotocol));
    built.set(subprotocol, validator);
  }
  return validator;
}

let cached: OcppValidator[] | undefined;

/**
 * Validators for ocpp1.6, ocpp2.0.1 and ocpp2.1 to pass as `strictModeValidators` to RPCServer and
 * RPCClient (they replace the stock ones by subprotocol name). Each loads its schemas into Ajv at its first
 * message, not when the server starts (a service start would otherwise pay for all three, ~0.1 s, before
 * any charger connects); Ajv compiles each schema on first use, and connections share the compiled code.
 */
export function strictValidators(): OcppValidator[] {
  cached ??= subprotocols.map((subprotocol) => ({
    subprotocol,
    validate: (schemaId: string, params: unknown) => builtValidator(subprotocol).validate(schemaId, params),
  }) as unknown as OcppValidator);
  return cached;
}

/** The validator of one subprotocol. */
export function validatorFor(subprotocol: OcppSubprotocol): OcppValidator {
  if (!(subprotocols as readonly string[]).includes(subprotocol)) throw new Error(`no validator for ${subprotocol}`);
  return builtValidator(subprotocol);
}

/**
 * Checks a payload against the official schema; returns undefined when valid, else the Ajv message.
 * `kind` is `req` for a CALL payload and `conf` for a CALLRESULT payload.
 */
export function schemaProblem(subprotocol: OcppSubprotocol, action: string, kind: 'req' | 'conf', payload: unknown): string | undefined {
  try {
    // Synchronous for OCPP's schemas (none is $async): it throws an RPCError naming the problem, or returns true.
    void validatorFor(subprotocol).validate(`urn:${action}.${kind}`, payload);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
