/**
 * Charger energy registers (OCPP MeterValues: Energy.Active.Import.Register / Export.Register) cleaned for
 * measurement and verification. Chargers report late, twice, out of order, and sometimes from a meter the
 * site does not list; none of that may change a measured number silently.
 *
 * Rules (each outcome is listed in `issues`, never dropped unnoticed):
 * - Samples are sorted by time per meter (out-of-order arrival is normal and not an issue).
 * - An exact duplicate (same meter, instant and registers) is dropped and counted (`duplicate`).
 * - Two samples of one meter at one instant with different registers: the first received is kept, the
 *   other is named (`conflicting-duplicate`).
 * - A meter that is not one of the site's chargers: its samples are not used (`unknown-meter`).
 * - A register that goes down (meter reset or replacement): the samples before the drop are not
 *   compared with those after it; the interval between them is a gap (`register-decreased`).
 * - A register that is not a finite, non-negative number: the sample is dropped (`invalid-sample`).
 */

/** One reading of a charger's cumulative registers. */
export interface MeterRegisterSample {
  /** The charger (EVSE) id of the site. */
  readonly meterId: string;
  /** When it was read (UTC epoch ms). */
  readonly atUtcMs: number;
  /** Energy.Active.Import.Register (Wh, cumulative). */
  readonly importWh: number;
  /** Energy.Active.Export.Register (Wh, cumulative); omitted = the charger cannot export (0). */
  readonly exportWh?: number;
}

export type MeterIssueKind = 'duplicate' | 'conflicting-duplicate' | 'unknown-meter' | 'register-decreased' | 'invalid-sample';

export interface MeterIssue {
  readonly kind: MeterIssueKind;
  readonly meterId: string;
  /** The instant concerned (for `unknown-meter` and `duplicate`: the first one). */
  readonly atUtcMs: number;
  /** How many samples it concerns. */
  readonly count: number;
  readonly detail: string;
}

/** A meter's usable samples, sorted, as runs without a register drop (a gap lies between runs). */
export interface CleanMeter {
  readonly meterId: string;
  readonly runs: readonly (readonly MeterRegisterSample[])[];
}

export interface CleanedSamples {
  readonly meters: ReadonlyMap<string, CleanMeter>;
  readonly issues: readonly MeterIssue[];
}

const validSample = (s: MeterRegisterSample) =>
  Number.isFinite(s.atUtcMs) && Number.isFinite(s.importWh) && s.importWh >= 0 && (s.exportWh === undefined || (Number.isFinite(s.exportWh) && s.exportWh >= 0));

/** Net energy into the charger so far (Wh): import minus export registers. */
export const netWh = (s: MeterRegisterSample) => s.importWh - (s.exportWh ?? 0);

function splitRuns(meterId: string, sorted: readonly MeterRegisterSample[], issues: MeterIssue[]): MeterRegisterSample[][] {
  const runs: MeterRegisterSample[][] = [];
  let run: MeterRegisterSample[] = [];
  for (const s of sorted) {
    const prev = run[run.length - 1];
    if (prev && (s.importWh < prev.importWh || (s.exportWh ?? 0) < (prev.exportWh ?? 0))) {
      issues.push({ kind: 'register-decreased', meterId, atUtcMs: s.atUtcMs, count: 1, detail: `register went down after ${prev.atUtcMs} (meter reset or replaced): that interval is a gap` });
      runs.push(run);
      run = [];
    }
    run.push(s);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Sorts, de-duplicates and splits the samples of the site's meters (`knownMeterIds`); see the rules above. */
export function cleanMeterSamples(samples: readonly MeterRegisterSample[], knownMeterIds: ReadonlySet<string>): CleanedSamples {
  const issues: MeterIssue[] = [];
  const byMeter = new Map<string, MeterRegisterSample[]>();
  const unknown = new Map<string, { first: number; count: number }>();
  for (const s of samples) {
    if (!validSample(s)) {
      issues.push({ kind: 'invalid-sample', meterId: s.meterId, atUtcMs: s.atUtcMs, count: 1, detail: 'a register or the instant is not a finite non-negative number' });
      continue;
    }
    if (!knownMeterIds.has(s.meterId)) {
      const u = unknown.get(s.meterId) ?? { first: s.atUtcMs, count: 0 };
      unknown.set(s.meterId, { first: Math.min(u.first, s.atUtcMs), count: u.count + 1 });
      continue;
    }
    const list = byMeter.get(s.meterId) ?? [];
    list.push(s);
    byMeter.set(s.meterId, list);
  }
  for (const [meterId, u] of unknown) issues.push({ kind: 'unknown-meter', meterId, atUtcMs: u.first, count: u.count, detail: `"${meterId}" is not a charger of the site: its ${u.count} sample(s) are not used` });
  const meters = new Map<string, CleanMeter>();
  for (const [meterId, list] of byMeter) {
    // Stable sort: among samples at one instant the first received stays first.
    const sorted = list.map((s, i) => ({ s, i })).sort((a, b) => a.s.atUtcMs - b.s.atUtcMs || a.i - b.i).map((x) => x.s);
    const kept: MeterRegisterSample[] = [];
    let duplicates = 0;
    let firstDuplicate = 0;
    for (const s of sorted) {
      const prev = kept[kept.length - 1];
      if (prev && prev.atUtcMs === s.atUtcMs) {
        if (prev.importWh === s.importWh && (prev.exportWh ?? 0) === (s.exportWh ?? 0)) {
          if (duplicates++ === 0) firstDuplicate = s.atUtcMs;
        } else {
          issues.push({ kind: 'conflicting-duplicate', meterId, atUtcMs: s.atUtcMs, count: 1, detail: `two readings at one instant differ (${netWh(prev)} Wh kept, ${netWh(s)} Wh dropped)` });
        }
        continue;
      }
      kept.push(s);
    }
    if (duplicates > 0) issues.push({ kind: 'duplicate', meterId, atUtcMs: firstDuplicate, count: duplicates, detail: `${duplicates} repeated reading(s) dropped` });
    meters.set(meterId, { meterId, runs: splitRuns(meterId, kept, issues) });
  }
  return { meters, issues };
}

/**
 * The meter's net energy over [fromUtcMs, toUtcMs) (kWh), interpolated linearly between the samples that
 * bracket each end within one run; undefined when the samples do not bracket both ends within one run or
 * when the bracketing samples lie more than `maxSpacingMs` apart (a gap).
 */
export function meteredKwh(meter: CleanMeter, fromUtcMs: number, toUtcMs: number, maxSpacingMs: number): number | undefined {
  for (const run of meter.runs) {
    const a = registerAt(run, fromUtcMs, maxSpacingMs);
    const b = registerAt(run, toUtcMs, maxSpacingMs);
    if (a !== undefined && b !== undefined) return (b - a) / 1000;
  }
  return undefined;
}

/** The net register at `atUtcMs` (Wh), interpolated between bracketing samples at most `maxSpacingMs` apart. */
function registerAt(run: readonly MeterRegisterSample[], atUtcMs: number, maxSpacingMs: number): number | undefined {
  let lo = 0;
  let hi = run.length - 1;
  if (hi < 0 || run[0]!.atUtcMs > atUtcMs || run[hi]!.atUtcMs < atUtcMs) return undefined;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (run[mid]!.atUtcMs <= atUtcMs) lo = mid;
    else hi = mid;
  }
  const a = run[lo]!;
  const b = run[hi]!;
  if (a.atUtcMs === atUtcMs) return netWh(a);
  if (b.atUtcMs === atUtcMs) return netWh(b);
  if (b.atUtcMs - a.atUtcMs > maxSpacingMs) return undefined;
  return netWh(a) + ((netWh(b) - netWh(a)) * (atUtcMs - a.atUtcMs)) / (b.atUtcMs - a.atUtcMs);
}
