/**
 * Resampling a signal onto a slot grid.
 *
 * Rules:
 * - Values are first turned into *rates* in the target unit: prices and powers are converted by the unit
 *   table; an energy per interval becomes the average power over its interval (kWh / h = kW).
 * - `time-weighted-mean` (default): each slot gets the mean of the rates over the slot, weighted by how long
 *   each applies. So an hourly price repeats into four 15-minute slots, and four 15-minute prices average
 *   into one hourly slot. For an energy target unit the slot gets mean power x slot length.
 * - `min` / `max`: the smallest / largest value touching the slot (for limits: the tightest one wins).
 * - The series is checked first: a series built by hand (not by `createSignalSeries`) with a non-finite
 *   value, bad bounds or overlaps is rejected like one from a parser; an unsorted one is sorted.
 * - A slot value that is not a finite number (a conversion overflowing, e.g. 1e306 MW in kW) is an error
 *   (`V2G_ERR_SIGNAL_VALUE`, each slot listed), never returned.
 * - Every slot must be fully covered. Uncovered time is an error (`V2G_ERR_SIGNAL_GAP`) listing each gap,
 *   unless the named policy `forward-fill` with a `maxGapMs` is chosen: a gap no longer than `maxGapMs`
 *   that follows a value repeats that value; longer gaps and gaps before the first value stay errors.
 */
import { GridInputError, type GridIssue } from './errors.ts';
import { createSignalSeries, utcText, type SeriesInterval, type SignalSeries } from './signal-series.ts';
import type { SlotGrid } from './slot-grid.ts';
import { requireUnit, type UnitInfo } from './units.ts';

/** What to do with time that no interval covers. */
export type GapPolicy =
  | { readonly kind: 'error' }
  /** Repeat the previous value over gaps of at most `maxGapMs` (ms). */
  | { readonly kind: 'forward-fill'; readonly maxGapMs: number };

export type Aggregation = 'time-weighted-mean' | 'min' | 'max';

export interface ResampleOptions {
  /** Unit of the result, e.g. `EUR/kWh` or `kW`; must be reachable from the series' unit. */
  readonly toUnit: string;
  readonly aggregation?: Aggregation;
  /** Default `{ kind: 'error' }`. */
  readonly gapPolicy?: GapPolicy;
  /** Name of the signal in messages, e.g. "The import price". */
  readonly what?: string;
}

const hourMs = 3_600_000;

/** Factor from one rate to the other, and whether source values are energies per interval. */
function rateConversion(from: UnitInfo, to: UnitInfo, what: string): { factor: number; perInterval: boolean } {
  const sameCurrency = from.currency === to.currency;
  if (from.quantity === to.quantity && sameCurrency) {
    // energy -> energy goes through the rate (kWh per hour) as well.
    return { factor: from.toCanonical / to.toCanonical, perInterval: from.quantity === 'energy' };
  }
  if (from.quantity === 'energy' && to.quantity === 'power') return { factor: from.toCanonical / to.toCanonical, perInterval: true };
  if (from.quantity === 'power' && to.quantity === 'energy') return { factor: from.toCanonical / to.toCanonical, perInterval: false };
  const why = from.quantity === to.quantity ? `currency ${from.currency} is not ${to.currency}` : `${from.quantity} is not ${to.quantity}`;
  throw new GridInputError('V2G_ERR_UNIT_MISMATCH', `${what} cannot be resampled to ${to.unit}`, [
    { path: '/unit', message: `"${from.unit}" cannot be converted to "${to.unit}": ${why}` },
  ]);
}

function fillGaps(rates: SeriesInterval[], gridEndUtcMs: number, maxGapMs: number): SeriesInterval[] {
  const out: SeriesInterval[] = [];
  for (let k = 0; k < rates.length; k++) {
    const iv = rates[k]!;
    out.push(iv);
    // After the last value the gap runs to the horizon end (more data may come later).
    const nextStart = k + 1 < rates.length ? rates[k + 1]!.startUtcMs : Math.max(gridEndUtcMs, iv.endUtcMs);
    const gap = nextStart - iv.endUtcMs;
    if (gap > 0 && gap <= maxGapMs) out.push({ startUtcMs: iv.endUtcMs, endUtcMs: nextStart, value: iv.value });
  }
  return out;
}

/**
 * The series as one number per slot of `grid`, in `options.toUnit`, every one finite. Throws
 * `V2G_ERR_SIGNAL_GAP` (each gap listed with the slots it touches), `V2G_ERR_SIGNAL_VALUE` (bad intervals or
 * an overflow), `V2G_ERR_SIGNAL_OVERLAP`, `V2G_ERR_UNKNOWN_UNIT` or `V2G_ERR_UNIT_MISMATCH`.
 *
 * @example resampleToGrid(hourlyEurPerMwh, quarterHourGrid, { toUnit: 'EUR/kWh' }) // each hour's price 4 times, / 1000
 */
export function resampleToGrid(series: SignalSeries, grid: SlotGrid, options: ResampleOptions): number[] {
  const what = options.what ?? 'The signal';
  if (series === null || typeof series !== 'object' || !Array.isArray(series.intervals)) {
    throw new GridInputError('V2G_ERR_SIGNAL_VALUE', `${what} is not a signal series`, [{ path: '/intervals', message: 'a series needs a unit and an array of intervals' }]);
  }
  const from = requireUnit(series.unit);
  const to = requireUnit(options.toUnit, '/toUnit');
  const { factor, perInterval } = rateConversion(from, to, what);
  const policy = options.gapPolicy ?? { kind: 'error' };
  if (policy.kind === 'forward-fill' && !(Number.isFinite(policy.maxGapMs) && policy.maxGapMs >= 0)) {
    throw new GridInputError('V2G_ERR_SIGNAL_GAP', `${what} has a bad gap policy`, [
      { path: '/gapPolicy/maxGapMs', message: `${policy.maxGapMs} is not a non-negative number of milliseconds` },
    ]);
  }

  const intervals = wellFormed(series.intervals) ? series.intervals : createSignalSeries(series.unit, series.intervals, { what }).intervals;
  let rates: SeriesInterval[] = intervals.map((iv) => ({
    startUtcMs: iv.startUtcMs,
    endUtcMs: iv.endUtcMs,
    value: perInterval ? (iv.value * factor * hourMs) / (iv.endUtcMs - iv.startUtcMs) : iv.value * factor,
  }));
  if (policy.kind === 'forward-fill') rates = fillGaps(rates, grid.endUtcMs, policy.maxGapMs);
  rates = rates.filter((iv) => iv.endUtcMs > grid.startUtcMs && iv.startUtcMs < grid.endUtcMs);

  const gapIssues = coverageIssues(rates, grid);
  if (gapIssues.length > 0) {
    const hint = policy.kind === 'error' ? '' : ` (forward-fill covers gaps up to ${policy.maxGapMs / 60_000} min after a value)`;
    throw new GridInputError('V2G_ERR_SIGNAL_GAP', `${what} does not cover the horizon${hint}`, gapIssues);
  }

  const aggregation = options.aggregation ?? 'time-weighted-mean';
  const energyTarget = to.quantity === 'energy';
  const out = new Array<number>(grid.slotCount);
  let k = 0;
  for (let t = 0; t < grid.slotCount; t++) {
    const s = grid.startUtcMs + t * grid.slotMs;
    const e = s + grid.slotMs;
    while (k < rates.length && rates[k]!.endUtcMs <= s) k++;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let j = k; j < rates.length && rates[j]!.startUtcMs < e; j++) {
      const iv = rates[j]!;
      const overlap = Math.min(e, iv.endUtcMs) - Math.max(s, iv.startUtcMs);
      if (overlap <= 0) continue;
      sum += iv.value * overlap;
      if (iv.value < min) min = iv.value;
      if (iv.value > max) max = iv.value;
    }
    let v = aggregation === 'min' ? min : aggregation === 'max' ? max : sum / grid.slotMs;
    if (energyTarget && aggregation === 'time-weighted-mean') v *= grid.slotMs / hourMs;
    out[t] = v;
  }
  const overflow = out.flatMap((v, t) => (Number.isFinite(v) ? [] : [{ path: `/slots/${t}`, message: `the value is ${v} after conversion to ${to.unit}: the input is out of range` }]));
  if (overflow.length > 0) throw new GridInputError('V2G_ERR_SIGNAL_VALUE', `${what} cannot be put on the slot grid`, overflow);
  return out;
}

/** Whether intervals keep the `SignalSeries` invariants (finite values, integer bounds, sorted, no overlap). */
function wellFormed(intervals: readonly SeriesInterval[]): boolean {
  let end = -Infinity;
  for (const iv of intervals) {
    if (!Number.isSafeInteger(iv.startUtcMs) || !Number.isSafeInteger(iv.endUtcMs) || iv.endUtcMs <= iv.startUtcMs) return false;
    if (typeof iv.value !== 'number' || !Number.isFinite(iv.value) || iv.startUtcMs < end) return false;
    end = iv.endUtcMs;
  }
  return true;
}

/** One issue per uncovered stretch of the grid, naming the slots it touches. */
function coverageIssues(rates: readonly SeriesInterval[], grid: SlotGrid): GridIssue[] {
  const issues: GridIssue[] = [];
  let covered = grid.startUtcMs;
  const report = (from: number, to: number): void => {
    const first = Math.floor((from - grid.startUtcMs) / grid.slotMs);
    const last = Math.ceil((to - grid.startUtcMs) / grid.slotMs) - 1;
    const slots = first === last ? `slot ${first}` : `slots ${first}-${last}`;
    issues.push({ path: `/slots/${first}`, message: `no value from ${utcText(from)} to ${utcText(to)} (${slots})` });
  };
  for (const iv of rates) {
    if (iv.endUtcMs <= covered) continue;
    if (iv.startUtcMs >= grid.endUtcMs) break;
    if (iv.startUtcMs > covered) report(covered, iv.startUtcMs);
    covered = Math.max(covered, iv.endUtcMs);
    if (covered >= grid.endUtcMs) break;
  }
  if (covered < grid.endUtcMs) report(covered, grid.endUtcMs);
  return issues;
}
