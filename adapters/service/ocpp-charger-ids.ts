/**
 * How a site's chargers are named for OCPP. A site charger (an EVSE) is addressed on the wire by its
 * charge point identity (`ws://HOST:OCPP_PORT/ocpp/<chargePointId>`) and an EVSE id:
 *
 * | site charger id      | OCPP charge point | EVSE |
 * |----------------------|-------------------|------|
 * | `SIM-0001`           | `SIM-0001`        | 1    |
 * | `SIM-0001-evse2`     | `SIM-0001`        | 2    |
 *
 * (The optimizer's own `"<chargePointId>/<evseId>"` form cannot be used: site ids allow only
 * `A-Z a-z 0-9 . _ -`.) A charge point's sessions are planned when some site has a charger named after it
 * in either form. Who may connect at all depends on OCPP_SECURITY_PROFILE (ocpp-bridge.ts): with 0 the
 * charge points a site lists, with 1 and 2 those with a password; OCPP_AUTO_REGISTER admits others.
 */
import type { EvseResolver } from '../ocpp/plan-to-charger-schedules.ts';

const evseSuffix = /^(.+)-evse(\d+)$/;

/** The OCPP address of a site charger id. */
export const ocppAddressOf: EvseResolver = (siteChargerId) => {
  const m = evseSuffix.exec(siteChargerId);
  const evseId = m ? Number(m[2]) : 1;
  return m && evseId >= 2 ? { chargerId: m[1]!, evseId } : { chargerId: siteChargerId, evseId: 1 };
};

/** The site charger id of an OCPP charge point's EVSE. */
export function siteChargerIdOf(chargePointId: string, evseId: number): string {
  return evseId <= 1 ? chargePointId : `${chargePointId}-evse${evseId}`;
}
