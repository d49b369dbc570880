/**
 * Time-of-use tariffs with seasons, weekday masks, local block hours and a demand charge per schedule.
 *
 * Input format (as in acnportal's tariff files, e.g. SCE TOU-EV-4 and PG&E A-10):
 * ```json
 * { "name": "SCE TOU-EV-4", "effective": "2019-3-1", "link": "...",
 *   "schedule": [{ "id": "Summer-Weekday", "effective_start": "06-01", "effective_end": "09-30",
 *                  "dow_mask": "WEEKDAYS", "times": [0, 8, 12, 18, 23],
 *                  "tariffs": [0.05623, 0.0925, 0.26668, 0.0925, 0.05623], "demand_charge": 15.51 }] }
 * ```
 * The file states neither currency nor zone: the caller gives both (`USD`, `America/Los_Angeles`).
 *
 * Rules:
 * - A schedule applies from `effective_start` to `effective_end` (month-day, both inclusive; a range may wrap
 *   the year end, e.g. 10-01 to 05-31) on the days of `dow_mask` (`WEEKDAYS` = Mon-Fri, `WEEKENDS` = Sat-Sun,
 *   `ALL`, or 7 booleans Monday first). Holidays are not modelled.
 * - `times` are local wall-clock hours since midnight at which each block starts (fractions allowed: 8.5 =
 *   08:30; acnportal truncates them to whole hours, this does not); they ascend from 0. `tariffs` are the
 *   block prices per kWh, `demand_charge` the price per kW of peak in the billing period.
 * - A block applies while the local wall clock reads a time in it: on a fall-back day the repeated hour is
 *   priced by its wall-clock time both times; a block starting inside a spring-forward gap starts when the
 *   clocks jump (see `tariff-prices.ts`).
 * - Every day of the year must be covered (a gap is an error). Where two schedules apply to the same day the
 *   tariff is ambiguous: an error by default, or with `overlapPolicy: 'first-listed-wins'` the schedule listed
 *   first applies and each overlap is returned as a warning. (The real PG&E A-10 file needs one of the two:
 *   its "Winter-Weekday" and "Winter-Weekend" schedules both have `dow_mask` ALL.)
 * - `dowMaskOverrides` corrects the weekday mask of named schedules without editing the file, e.g.
 *   `{ 'Winter-Weekday': 'WEEKDAYS', 'Winter-Weekend': 'WEEKENDS' }` for PG&E A-10, whose tariff book prices
 *   winter weekends off-peak all day. Each correction is returned as a warning; naming a schedule the file
 *   does not have is an error. (acnportal, reading the same file, prices every winter day with the flat
 *   "Winter-Weekend" schedule; first-listed-wins prices every winter day with "Winter-Weekday".)
 */
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { DateTime } from 'luxon';
import { GridInputError, type GridIssue } from './errors.ts';
import { epochMsIssue } from './instant.ts';
import { parseJsonText } from './json-text.ts';
import { schemaIssues } from '../optimizer/schema-issues.ts';
import { assertZone } from './zone.ts';

const monthDay = '^\\d{1,2}-\\d{1,2}$';

/** One schedule of the tariff file format. */
export const TariffScheduleSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    effective_start: Type.String({ pattern: monthDay, description: 'first day, MM-DD (inclusive)' }),
    effective_end: Type.String({ pattern: monthDay, description: 'last day, MM-DD (inclusive)' }),
    dow_mask: Type.Union([
      Type.Literal('WEEKDAYS'),
      Type.Literal('WEEKENDS'),
      Type.Literal('ALL'),
      Type.Array(Type.Boolean(), { minItems: 7, maxItems: 7, description: 'Monday first' }),
    ]),
    times: Type.Array(Type.Number({ minimum: 0, exclusiveMaximum: 24 }), { minItems: 1, description: 'local block start hours' }),
    tariffs: Type.Array(Type.Number(), { minItems: 1, description: 'price per kWh of each block' }),
    demand_charge: Type.Number({ minimum: 0, description: 'price per kW of billing-period peak' }),
  },
  { additionalProperties: false },
);

/** The tariff file format. */
export const TariffFileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    effective: Type.Optional(Type.String()),
    link: Type.Optional(Type.String()),
    schedule: Type.Array(TariffScheduleSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

const compiled = Compile(TariffFileSchema);

/** A month and day, e.g. { month: 10, day: 1 }. */
export interface MonthDay {
  readonly month: number;
  readonly day: number;
}

/** One price block: applies from `startHour` (local, fractional) to the next block's start or midnight. */
export interface TouBlock {
  readonly startHour: number;
  readonly pricePerKwh: number;
}

/**
 * One seasonal schedule. Invariants: `blocks` ascend by `startHour`, the first starts at 0;
 * `weekdays[0]` is Monday, `weekdays[6]` Sunday.
 */
export interface TouSchedule {
  readonly id: string;
  /** First day of the season (inclusive). */
  readonly from: MonthDay;
  /** Last day of the season (inclusive); before `from` when the season wraps the year end. */
  readonly to: MonthDay;
  readonly weekdays: readonly boolean[];
  readonly blocks: readonly TouBlock[];
  /** Price per kW of peak import in the billing period. */
  readonly demandChargePerKw: number;
}

/** A validated tariff; prices are in `currency` per kWh, hours are local to `zone`. */
export interface TouTariff {
  readonly name: string;
  /** ISO 4217, e.g. USD. */
  readonly currency: string;
  /** IANA zone of the utility, e.g. America/Los_Angeles. */
  readonly zone: string;
  /** In file order; on overlaps (allowed by policy) the first listed wins. */
  readonly schedules: readonly TouSchedule[];
}

export interface TariffLoadOptions {
  readonly currency: string;
  readonly zone: string;
  /** Default `error`. */
  readonly overlapPolicy?: 'error' | 'first-listed-wins';
  /** Weekday masks that replace the file's `dow_mask`, by schedule id (a correction, reported as a warning). */
  readonly dowMaskOverrides?: Readonly<Record<string, 'WEEKDAYS' | 'WEEKENDS' | 'ALL' | readonly boolean[]>>;
}

/** A loaded tariff and the overlaps resolved by `first-listed-wins` (empty otherwise). */
export interface TariffLoad {
  readonly tariff: TouTariff;
  readonly warnings: readonly GridIssue[];
}

const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const masks: Record<string, readonly boolean[]> = {
  WEEKDAYS: [true, true, true, true, true, false, false],
  WEEKENDS: [false, false, false, false, false, true, true],
  ALL: [true, true, true, true, true, true, true],
};

/** A weekday mask (Monday first) from its file form, or undefined when malformed. */
function maskOf(mask: unknown): readonly boolean[] | undefined {
  if (typeof mask === 'string') return Object.hasOwn(masks, mask) ? masks[mask] : undefined;
  return Array.isArray(mask) && mask.length === 7 && mask.every((x) => typeof x === 'boolean') ? mask : undefined;
}

function key(md: MonthDay): number {
  return md.month * 100 + md.day;
}

/** Whether a season (inclusive, possibly wrapping the year end) contains a month-day. */
export function seasonContains(s: Pick<TouSchedule, 'from' | 'to'>, md: MonthDay): boolean {
  const k = key(md);
  const a = key(s.from);
  const b = key(s.to);
  return a <= b ? a <= k && k <= b : k >= a || k <= b;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function mdText(md: MonthDay): string {
  return `${two(md.month)}-${two(md.day)}`;
}

/** Every day of a leap year, so that 02-29 is checked too. */
const yearDays: MonthDay[] = Array.from({ length: 366 }, (_, i) => {
  const d = new Date(Date.UTC(2024, 0, 1 + i));
  return { month: d.getUTCMonth() + 1, day: d.getUTCDate() };
});

function parseMonthDay(text: string, path: string, issues: GridIssue[]): MonthDay {
  const [m, d] = text.split('-').map(Number) as [number, number];
  const max = m >= 1 && m <= 12 ? new Date(Date.UTC(2024, m, 0)).getUTCDate() : 0;
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= max)) issues.push({ path, message: `"${text}" is not a month-day MM-DD` });
  return { month: m, day: d };
}

function weekdayList(mask: readonly boolean[]): string {
  return mask.flatMap((on, i) => (on ? [weekdayNames[i]!] : [])).join(', ');
}

/** Days (grouped into ranges) on which no schedule or several schedules apply. */
function coverage(schedules: readonly TouSchedule[]): { gaps: GridIssue[]; overlaps: GridIssue[] } {
  const gaps: GridIssue[] = [];
  let run: { from: MonthDay; to: MonthDay; days: string } | undefined;
  const flush = (): void => {
    if (run) gaps.push({ path: '/schedule', message: `no schedule applies from ${mdText(run.from)} to ${mdText(run.to)} on ${run.days}` });
    run = undefined;
  };
  for (const md of yearDays) {
    const uncovered = [0, 1, 2, 3, 4, 5, 6].map((wd) => !schedules.some((s) => s.weekdays[wd] && seasonContains(s, md)));
    const days = weekdayList(uncovered);
    if (days === '') flush();
    else if (run && run.days === days) run.to = md;
    else {
      flush();
      run = { from: md, to: md, days };
    }
  }
  flush();
  const overlaps: GridIssue[] = [];
  schedules.forEach((a, i) => {
    schedules.forEach((b, j) => {
      if (j <= i) return;
      const days = weekdayList(a.weekdays.map((on, wd) => on && b.weekdays[wd] === true));
      const shared = yearDays.filter((md) => seasonContains(a, md) && seasonContains(b, md));
      if (days === '' || shared.length === 0) return;
      const describe = (s: TouSchedule, k: number): string => `"${s.id}" (/schedule/${k}, ${mdText(s.from)} to ${mdText(s.to)}, ${weekdayList(s.weekdays)})`;
      overlaps.push({
        path: `/schedule/${j}`,
        message: `schedules ${describe(a, i)} and ${describe(b, j)} both apply on ${days}, on ${shared.length} days of the year`,
      });
    });
  });
  return { gaps, overlaps };
}

/** Parses a tariff file's JSON text. See `readTouTariff`. */
export function parseTouTariff(text: string, options: TariffLoadOptions): TariffLoad {
  return readTouTariff(parseJsonText(text, 'V2G_ERR_TARIFF_FORMAT', 'The tariff is not JSON'), options);
}

/**
 * Validates a tariff object and its coverage of the year. Throws `V2G_ERR_TARIFF_FORMAT` listing every
 * problem (schema, block hours, gaps, and overlaps unless the policy resolves them) or `V2G_ERR_UNKNOWN_ZONE`.
 */
export function readTouTariff(value: unknown, options: TariffLoadOptions): TariffLoad {
  assertZone(options.zone, '/zone');
  const issues: GridIssue[] = [];
  if (!/^[A-Z]{3}$/.test(options.currency)) issues.push({ path: '/currency', message: `"${options.currency}" is not an ISO 4217 currency code` });
  if (!compiled.Check(value)) {
    throw new GridInputError('V2G_ERR_TARIFF_FORMAT', 'The tariff is malformed', [...issues, ...schemaIssues(compiled, value)]);
  }
  const overrides = options.dowMaskOverrides ?? {};
  const corrections: GridIssue[] = [];
  for (const [id, mask] of Object.entries(overrides)) {
    const at = `/dowMaskOverrides/${id}`;
    const k = value.schedule.findIndex((s) => s.id === id);
    if (k < 0) issues.push({ path: at, message: `the tariff has no schedule "${id}" (schedules: ${value.schedule.map((s) => s.id).join(', ')})` });
    else if (maskOf(mask) === undefined) issues.push({ path: at, message: 'must be WEEKDAYS, WEEKENDS, ALL or 7 booleans, Monday first' });
    else corrections.push({ path: `/schedule/${k}/dow_mask`, message: `the dow_mask of "${id}" is replaced by ${Array.isArray(mask) ? JSON.stringify(mask) : mask} (${weekdayList(maskOf(mask)!)})` });
  }
  const schedules: TouSchedule[] = value.schedule.map((s, i) => {
    const at = `/schedule/${i}`;
    if (s.times.length !== s.tariffs.length) {
      issues.push({ path: `${at}/tariffs`, message: `has ${s.tariffs.length} prices for ${s.times.length} block start times` });
    }
    if (s.times[0] !== 0) issues.push({ path: `${at}/times/0`, message: 'the first block must start at 0 (midnight)' });
    s.times.forEach((t, k) => {
      if (k > 0 && !(t > s.times[k - 1]!)) issues.push({ path: `${at}/times/${k}`, message: `${t} does not come after ${s.times[k - 1]}` });
    });
    s.tariffs.forEach((p, k) => {
      if (!Number.isFinite(p)) issues.push({ path: `${at}/tariffs/${k}`, message: `${p} is not a finite price` });
    });
    return {
      id: s.id,
      from: parseMonthDay(s.effective_start, `${at}/effective_start`, issues),
      to: parseMonthDay(s.effective_end, `${at}/effective_end`, issues),
      weekdays: maskOf(Object.hasOwn(overrides, s.id) ? overrides[s.id]! : s.dow_mask) ?? [],
      // A length mismatch was recorded above and throws below, so the fallback 0 is never used.
      blocks: s.times.map((t, k) => ({ startHour: t, pricePerKwh: s.tariffs[k] ?? 0 })),
      demandChargePerKw: s.demand_charge,
    };
  });
  if (issues.length > 0) throw new GridInputError('V2G_ERR_TARIFF_FORMAT', `The tariff "${value.name}" is malformed`, issues);
  const { gaps, overlaps } = coverage(schedules);
  const policy = options.overlapPolicy ?? 'error';
  const fatal = policy === 'error' ? [...gaps, ...overlaps] : gaps;
  if (fatal.length > 0) {
    const hint = policy === 'error' && overlaps.length > 0 ? " (overlapPolicy 'first-listed-wins' accepts overlaps)" : '';
    throw new GridInputError('V2G_ERR_TARIFF_FORMAT', `The tariff "${value.name}" does not assign exactly one schedule to every day${hint}`, fatal);
  }
  const tariff: TouTariff = { name: value.name, currency: options.currency, zone: options.zone, schedules };
  const resolved = policy === 'error' ? [] : overlaps.map((o) => ({ ...o, message: `${o.message}; the first listed applies` }));
  return { tariff, warnings: [...corrections, ...resolved] };
}

/** Throws `V2G_ERR_TIME_FORMAT` unless `utcMs` is an integer epoch-ms instant. */
export function requireInstant(utcMs: number, path: string): void {
  const issue = epochMsIssue(utcMs, path);
  if (issue) throw new GridInputError('V2G_ERR_TIME_FORMAT', 'A tariff cannot be read at this instant', [issue]);
}

/** The schedule in force on a local date (`isoWeekday` 1 = Monday ... 7 = Sunday). */
export function scheduleOn(tariff: TouTariff, md: MonthDay, isoWeekday: number): TouSchedule {
  const s = tariff.schedules.find((x) => x.weekdays[isoWeekday - 1] === true && seasonContains(x, md));
  // readTouTariff proved that every day of the year has a schedule.
  if (s === undefined) throw new Error(`unreachable: no schedule on ${mdText(md)}`);
  return s;
}

/** The block price in force at a local hour of day (fractional, 0 <= hour < 24). */
export function blockPriceAt(schedule: TouSchedule, hourOfDay: number): number {
  let price = schedule.blocks[0]!.pricePerKwh;
  for (const b of schedule.blocks) if (b.startHour <= hourOfDay) price = b.pricePerKwh;
  return price;
}

/** The energy price per kWh (in the tariff's currency) at an instant, read from the local wall clock. */
export function tariffRateAt(tariff: TouTariff, utcMs: number): { pricePerKwh: number; schedule: TouSchedule } {
  requireInstant(utcMs, '/atUtcMs');
  const t = DateTime.fromMillis(utcMs, { zone: tariff.zone });
  const schedule = scheduleOn(tariff, { month: t.month, day: t.day }, t.weekday);
  const hour = t.hour + t.minute / 60 + t.second / 3600 + t.millisecond / 3_600_000;
  return { pricePerKwh: blockPriceAt(schedule, hour), schedule };
}
