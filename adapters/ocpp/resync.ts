/**
 * Re-sync after a reconnect: ask the charger for its composite schedule of every EVSE that should carry
 * one of our profiles and compare it with the composite our installed profiles give. Equal: nothing is
 * resent. Different: we forget what we believed installed, and the delivery loop sends the desired
 * profiles again. Rejected, a CALLERROR (e.g. SecurityError before the boot is answered) or no answer:
 * `failed`, and nothing is dropped or resent because of it.
 *
 * The comparison samples every piece between the boundaries of both schedules and ignores pieces
 * shorter than `skewToleranceMs` (clock skew moves boundaries by seconds); values must agree within
 * one rounding step of the unit.
 */
import type { ChargerLink } from './charger-link.ts';
import type { ChargerRecord } from './charger-record.ts';
import { compositeSchedule, compositeTargetAt, type Composite } from './composite-schedule.ts';
import { periodTarget, scheduleEndUtcMs, type ProfileSpec } from './profile-spec.ts';
import type { ReportedComposite } from './version-mapping.ts';

const tolerance = { W: 1.5, A: 0.15 } as const;

function reportedTargetAt(r: ReportedComposite, utcMs: number): number | undefined {
  if (utcMs < r.startUtcMs || (r.durationS > 0 && utcMs >= r.startUtcMs + r.durationS * 1000)) return undefined;
  const offsetS = (utcMs - r.startUtcMs) / 1000;
  let found: number | undefined;
  for (const p of r.periods) if (p.startPeriodS <= offsetS) found = periodTarget(p);
  return found;
}

/** Does the charger's composite equal ours (where ours constrains)? */
export function compositeMatches(expected: Composite, reported: ReportedComposite | undefined, skewToleranceMs = 60_000): boolean {
  if (!reported || reported.rateUnit !== expected.rateUnit) return false;
  const end = expected.startUtcMs + expected.durationS * 1000;
  const cuts = new Set<number>([expected.startUtcMs, end]);
  for (const p of expected.periods) cuts.add(expected.startUtcMs + p.startPeriodS * 1000);
  for (const p of reported.periods) {
    const t = reported.startUtcMs + p.startPeriodS * 1000;
    if (t > expected.startUtcMs && t < end) cuts.add(t);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [a, b] = [sorted[i]!, sorted[i + 1]!];
    if (b - a < skewToleranceMs) continue;
    const mid = a + (b - a) / 2;
    const want = compositeTargetAt(expected, mid);
    if (want === undefined) continue;
    const got = reportedTargetAt(reported, mid);
    if (got === undefined || Math.abs(got - want) > tolerance[expected.rateUnit]) return false;
  }
  return true;
}

/** Our installed profiles on the whole station. */
export function installedProfiles(record: ChargerRecord): ProfileSpec[] {
  const out: ProfileSpec[] = [];
  for (const e of record.evses.values()) {
    if (e.installed) out.push(e.installed);
    if (e.installedFallback) out.push(e.installedFallback);
  }
  return out;
}

export type ResyncOutcome = 'match' | 'resend' | 'failed';

/**
 * Checks every EVSE with an installed profile; returns one outcome per EVSE checked. A mismatch drops
 * that EVSE's installed profiles and the station cap (both are resent).
 */
export async function resyncCharger(record: ChargerRecord, link: ChargerLink, nowUtcMs: number): Promise<ResyncOutcome[]> {
  const outcomes: ResyncOutcome[] = [];
  const profiles = installedProfiles(record);
  const settings = record.settings;
  for (const evse of [...record.evses.values()].filter((e) => e.evseId >= 1 && (e.installed || e.installedFallback))) {
    const mine = [evse.installed, evse.installedFallback].filter((p): p is ProfileSpec => p !== undefined);
    const endUtcMs = Math.max(...mine.map(scheduleEndUtcMs));
    const durationS = Math.max(60, Math.min(86_400, Math.ceil((Math.min(endUtcMs, nowUtcMs + 86_400_000) - nowUtcMs) / 1000)));
    const unit = mine[0]!.rateUnit;
    const expected = compositeSchedule({
      profiles, evseId: evse.evseId, ...(evse.transactionId !== undefined ? { activeTransactionId: evse.transactionId } : {}),
      fromUtcMs: nowUtcMs, durationS, unit, voltageV: settings.voltageV, phases: settings.phases,
    });
    let outcome: ResyncOutcome;
    try {
      const reported = await link.getCompositeSchedule(evse.evseId, durationS, unit);
      outcome = reported === undefined ? 'failed' : compositeMatches(expected, reported) ? 'match' : 'resend';
    } catch {
      outcome = 'failed';
    }
    // A refused or failed check says nothing about what is installed: nothing is dropped (and so nothing
    // of an old transaction is re-sent because of it); only a composite that differs is a reason to resend.
    if (outcome === 'resend') {
      delete evse.installed;
      delete evse.installedFallback;
      const station = record.evses.get(0);
      if (station) delete station.installed;
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
