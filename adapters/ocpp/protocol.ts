/**
 * The OCPP versions spoken, and their WebSocket subprotocol names (OCPP-J: `Sec-WebSocket-Protocol`).
 */

export type OcppVersion = '1.6' | '2.0.1' | '2.1';

export type OcppSubprotocol = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';

export const ocppVersions: readonly OcppVersion[] = ['1.6', '2.0.1', '2.1'];

/** Server preference when a charger offers several: the newest first. */
export const subprotocolsByPreference: readonly OcppSubprotocol[] = ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'];

export function subprotocolOf(version: OcppVersion): OcppSubprotocol {
  return `ocpp${version}` as OcppSubprotocol;
}

export function versionOf(subprotocol: string | undefined): OcppVersion | undefined {
  switch (subprotocol) {
    case 'ocpp1.6':
      return '1.6';
    case 'ocpp2.0.1':
      return '2.0.1';
    case 'ocpp2.1':
      return '2.1';
    default:
      return undefined;
  }
}

export function isOcppVersion(text: string): text is OcppVersion {
  return (ocppVersions as readonly string[]).includes(text);
}

/** True for 2.0.1 and 2.1 (device model, TransactionEvent, EVSE ids, string transaction ids). */
export function isTwoX(version: OcppVersion): boolean {
  return version !== '1.6';
}
