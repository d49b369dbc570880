/**
 * Which of a site's chargers cannot follow profiles: the EVSEs an OCPP gateway reported `unmanaged` on
 * the charger status board (adapters/store/charger-status.ts), as site charger ids. The re-plan treats
 * their sessions as uncontrolled load (uncontrolled-load.ts).
 */
import type { ChargerStatusBoard } from '../store/charger-status.ts';
import type { SiteRecord } from '../store/records.ts';
import { ocppAddressOf } from './ocpp-charger-ids.ts';

export async function unmanagedChargersOf(site: SiteRecord, board: ChargerStatusBoard): Promise<Set<string>> {
  const addresses = site.chargers.map((c) => ({ id: c.id, ...ocppAddressOf(c.id) }));
  const statuses = await board.getMany([...new Set(addresses.map((a) => a.chargerId))]);
  const byId = new Map(statuses.map((s) => [s.chargePointId, s]));
  const out = new Set<string>();
  for (const a of addresses) {
    if (byId.get(a.chargerId)?.evses.find((e) => e.evseId === a.evseId)?.status === 'unmanaged') out.add(a.id);
  }
  return out;
}
