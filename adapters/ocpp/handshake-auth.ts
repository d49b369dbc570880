/**
 * Who may open an OCPP WebSocket (pure decision over the upgrade request and the CSMS port).
 *
 * - the path must be `<path>/<chargePointId>` (default `/ocpp/<id>`);
 * - the identity must be an OCPP identifierString of 1..48 characters (a-z A-Z 0-9 * - _ = : + | @ .);
 * - the charger must offer a subprotocol we speak (ocpp2.1, ocpp2.0.1, ocpp1.6; newest preferred);
 * - security profile 1 (HTTP Basic over ws) and 2 (HTTP Basic over TLS): a password matching the stored
 *   hash is required; unknown chargers and wrong passwords both get 401 (no hint which);
 * - unknown chargers are refused (404 on profile 0) unless auto-registration is on, which registers them
 *   (with their password, trust on first use); with a password profile the refusal costs the same
 *   password check (against a dummy hash) as a known charger's wrong password.
 */
import type { CsmsPort } from './csms-port.ts';
import type { OcppErrorCode } from './errors.ts';
import type { OcppSubprotocol } from './protocol.ts';

export type SecurityProfile = 0 | 1 | 2;

export interface HandshakeInfo {
  readonly identity: string;
  /** The URL path without the identity (ocpp-rpc's `endpoint`). */
  readonly endpoint: string;
  readonly protocols: ReadonlySet<string>;
  readonly password?: Buffer;
}

export interface HandshakePolicy {
  readonly path: string;
  readonly securityProfile: SecurityProfile;
  readonly autoRegister: boolean;
  /** Subprotocols we accept, most preferred first. */
  readonly subprotocols: readonly OcppSubprotocol[];
}

export type HandshakeDecision =
  | { readonly accept: true; readonly subprotocol: OcppSubprotocol; readonly registered: boolean }
  | { readonly accept: false; readonly status: number; readonly code: OcppErrorCode; readonly reason: string; readonly message: string };

const identityPattern = /^[A-Za-z0-9*\-_=:+|@.]{1,48}$/;

export function isValidIdentity(identity: string): boolean {
  return identityPattern.test(identity);
}

function refuse(status: number, code: OcppErrorCode, reason: string, message: string): HandshakeDecision {
  return { accept: false, status, code, reason, message };
}

export async function decideHandshake(h: HandshakeInfo, policy: HandshakePolicy, port: Pick<CsmsPort, 'chargerKnown' | 'verifyChargerPassword' | 'registerCharger'>): Promise<HandshakeDecision> {
  const path = policy.path.replace(/\/+$/, '');
  if (h.endpoint.replace(/\/+$/, '') !== path) return refuse(404, 'V2G_ERR_OCPP_BAD_IDENTITY', 'path', `not an OCPP path (expected ${path}/<chargePointId>)`);
  if (!isValidIdentity(h.identity)) return refuse(400, 'V2G_ERR_OCPP_BAD_IDENTITY', 'identity', 'invalid charge point identity');
  const subprotocol = policy.subprotocols.find((p) => h.protocols.has(p));
  if (!subprotocol) return refuse(400, 'V2G_ERR_OCPP_CONFIG', 'subprotocol', `no supported subprotocol (we speak ${policy.subprotocols.join(', ')})`);
  const secured = policy.securityProfile >= 1;
  if (secured && (h.password === undefined || h.password.length === 0)) return refuse(401, 'V2G_ERR_OCPP_AUTH_FAILED', 'no-password', 'HTTP Basic authentication required');
  const known = await port.chargerKnown(h.identity);
  if (!known) {
    if (!policy.autoRegister) {
      // Constant-time refusal: the same password check a known id gets (the port checks against a dummy
      // hash), so an unknown id cannot be told from a known one with a wrong password by timing.
      if (secured) await port.verifyChargerPassword(h.identity, h.password!);
      return secured ? refuse(401, 'V2G_ERR_OCPP_AUTH_FAILED', 'unknown', 'authentication failed') : refuse(404, 'V2G_ERR_OCPP_UNKNOWN_CHARGER', 'unknown', 'unknown charge point');
    }
    await port.registerCharger(h.identity, secured ? h.password : undefined);
    return { accept: true, subprotocol, registered: true };
  }
  if (secured && !(await port.verifyChargerPassword(h.identity, h.password!))) return refuse(401, 'V2G_ERR_OCPP_AUTH_FAILED', 'password', 'authentication failed');
  return { accept: true, subprotocol, registered: false };
}
