/**
 * Sessions on chargers that cannot follow profiles (`unmanaged`, adapters/ocpp) as uncontrolled load
 * (pure): such a vehicle draws its charger's full power from its arrival (or now) until its battery is full
 * or it leaves, whatever the plan says. The site problem adds that to the base load instead of planning
 * the vehicle, so the site limits and dispatch limits still hold for everything the plan does control.
 */
import type { SessionRecord, SiteRecord } from '../store/records.ts';
import { chargerMaxKw } from './first-limit.ts';

/** One session planned as uncontrolled load (reported with the plan). */
export interface UncontrolledSession {
  readonly sessionId: string;
  readonly chargerId: string;
  /** What it is assumed to draw while charging (kW): its charger's power limit. */
  readonly powerKw: number;
  /** Energy it is assumed to take over the horizon (kWh). */
  readonly energyKwh: number;
  readonly reason: string;
}

export interface UncontrolledLoad {
  /** Added to the base load per slot (kW). */
  readonly perSlotKw: number[];
  readonly sessions: UncontrolledSession[];
}

export interface UncontrolledInput {
  readonly site: SiteRecord;
  readonly sessions: readonly { readonly session: SessionRecord; readonly energyKwh: number }[];
  /** Site charger ids whose charger is unmanaged. */
  readonly unmanagedChargerIds: ReadonlySet<string>;
  readonly startUtcMs: number;
  readonly slotMs: number;
  readonly slotCount: number;
  readonly nowUtcMs: number;
}

export function uncontrolledLoad(input: UncontrolledInput): UncontrolledLoad {
  const perSlotKw = new Array<number>(input.slotCount).fill(0);
  const sessions: UncontrolledSession[] = [];
  const slotHours = input.slotMs / 3_600_000;
  for (const { session, energyKwh } of input.sessions) {
    if (!input.unmanagedChargerIds.has(session.chargerId)) continue;
    const kw = chargerMaxKw(input.site, session.chargerId);
    let remainingKwh = Math.max(0, session.capacityKwh - energyKwh);
    let taken = 0;
    const from = Math.max(session.arrivalUtcMs, input.nowUtcMs);
    for (let t = 0; t < input.slotCount && remainingKwh > 1e-9 && kw > 0; t++) {
      const slotStart = input.startUtcMs + t * input.slotMs;
      const slotEnd = slotStart + input.slotMs;
      const overlapMs = Math.min(slotEnd, session.departureUtcMs) - Math.max(slotStart, from);
      if (overlapMs <= 0) continue;
      const fraction = Math.min(1, overlapMs / input.slotMs, remainingKwh / (kw * slotHours));
      perSlotKw[t] = perSlotKw[t]! + kw * fraction;
      remainingKwh -= kw * fraction * slotHours;
      taken += kw * fraction * slotHours;
    }
    sessions.push({
      sessionId: session.id, chargerId: session.chargerId, powerKw: kw, energyKwh: Math.round(taken * 1000) / 1000,
      reason: 'its charger cannot follow charging profiles (unmanaged): planned as uncontrolled load at full power until full or departure',
    });
  }
  return { perSlotKw, sessions };
}
