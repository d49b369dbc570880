/**
 * Generated sessions for the small demo scenario (no data directory needed), deterministic for a seed.
 *
 * Per local day of the site zone, `sessionsPerDay` drivers: 60 % arrive in the morning (06:00-10:00) and
 * stay 6-10 h (workplace), 40 % in the evening (16:00-21:00) and stay 9-14 h (overnight depot). Each takes
 * the first listed charger that is free at its arrival; a driver who finds none leaves without a session.
 * Energy delivered is uniform 5-35 kWh (at most 60 % of what 11 kW could deliver in the stay); the driver
 * asks for 1.0-1.5 times that and announces a departure within +-2 h of the actual one (normal, sd 45 min).
 */
import { DateTime } from 'luxon';
import { draw, randomStream } from './random.ts';
import type { SourceSession } from './replay-session.ts';

/** Seed, site zone, arrival range (UTC ms), drivers per day and the chargers to fill. */
export interface GeneratedSessionsSpec {
  readonly seed: number;
  readonly zone: string;
  /** Sessions arriving in [fromUtcMs, toUtcMs). */
  readonly fromUtcMs: number;
  readonly toUtcMs: number;
  readonly sessionsPerDay: number;
  readonly chargerIds: readonly string[];
}

const hourMs = 3_600_000;

/** The sessions, sorted by arrival then id. */
export function generateSessions(spec: GeneratedSessionsSpec): SourceSession[] {
  const candidates: Omit<SourceSession, 'chargerId'>[] = [];
  let day = DateTime.fromMillis(spec.fromUtcMs, { zone: spec.zone }).startOf('day');
  for (; day.toMillis() < spec.toUtcMs; day = day.plus({ days: 1 })) {
    const date = day.toFormat('yyyyLLdd');
    const random = randomStream(spec.seed, `sessions/${date}`);
    for (let i = 0; i < spec.sessionsPerDay; i++) {
      const morning = random() < 0.6;
      const arrivalHour = morning ? draw({ kind: 'uniform', min: 6, max: 10 }, random) : draw({ kind: 'uniform', min: 16, max: 21 }, random);
      const stayHours = morning ? draw({ kind: 'uniform', min: 6, max: 10 }, random) : draw({ kind: 'uniform', min: 9, max: 14 }, random);
      const arrivalUtcMs = Math.round(day.plus({ minutes: Math.round(arrivalHour * 60) }).toMillis() / 60_000) * 60_000;
      const departureUtcMs = arrivalUtcMs + Math.round(stayHours * 60) * 60_000;
      const deliveredKwh = Math.min(draw({ kind: 'uniform', min: 5, max: 35 }, random), 0.6 * 11 * stayHours);
      const requestedKwh = deliveredKwh * draw({ kind: 'uniform', min: 1, max: 1.5 }, random);
      const errorMin = draw({ kind: 'normal', mean: 0, sd: 45, min: -120, max: 120 }, random);
      if (arrivalUtcMs < spec.fromUtcMs || arrivalUtcMs >= spec.toUtcMs) continue;
      candidates.push({
        id: `gen-${date}-${String(i + 1).padStart(3, '0')}`,
        arrivalUtcMs,
        departureUtcMs,
        declaredDepartureUtcMs: departureUtcMs + Math.round(errorMin) * 60_000,
        deliveredKwh: Math.round(deliveredKwh * 1000) / 1000,
        requestedKwh: Math.round(requestedKwh * 1000) / 1000,
        line: 0,
      });
    }
  }
  candidates.sort((a, b) => a.arrivalUtcMs - b.arrivalUtcMs || (a.id < b.id ? -1 : 1));
  const freeFromUtcMs = new Map(spec.chargerIds.map((id) => [id, -Infinity]));
  const out: SourceSession[] = [];
  for (const c of candidates) {
    const charger = spec.chargerIds.find((id) => freeFromUtcMs.get(id)! <= c.arrivalUtcMs);
    if (charger === undefined) continue;
    freeFromUtcMs.set(charger, c.departureUtcMs);
    out.push({ ...c, chargerId: charger });
  }
  return out;
}

/** Whole hours of [fromUtcMs, toUtcMs) as interval starts (UTC epoch ms), for hourly generated signals. */
export function hourStarts(fromUtcMs: number, toUtcMs: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(fromUtcMs / hourMs) * hourMs; t < toUtcMs; t += hourMs) out.push(t);
  return out;
}
