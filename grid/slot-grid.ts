/**
 * The slot grid: a horizon cut into equal slots of UTC time.
 *
 * Slots are UTC epoch-ms half-open intervals [start, end) of `slotMs` each, so a DST change never stretches
 * or shrinks a slot: a local day in Europe/Berlin has 92, 96 or 100 quarter-hours. The count is computed
 * from the day's two midnights, never assumed. The zone is kept for local labels and day boundaries.
 */
import { GridInputError, type GridIssue } from './errors.ts';
import { formatInstant, utcMsFromFields } from './instant.ts';
import { toUtcMs, type InstantInput } from './instant-input.ts';
import { parseLocalDate, startOfLocalDayUtcMs, type LocalTimePolicy } from './local-time.ts';
import { assertZone, offsetMs } from './zone.ts';

/**
 * A horizon of `slotCount` slots. Slot i covers [startUtcMs + i*slotMs, startUtcMs + (i+1)*slotMs).
 *
 * Invariants: `endUtcMs - startUtcMs === slotCount * slotMs`; `slotCount >= 1`; `slotMs` is a whole number
 * of minutes dividing 24 h; `zone` is a known IANA zone.
 */
export interface SlotGrid {
  /** Start of slot 0 (UTC epoch ms, inclusive). */
  readonly startUtcMs: number;
  /** End of the last slot (UTC epoch ms, exclusive). */
  readonly endUtcMs: number;
  /** Slot length (ms), e.g. 900 000 for 15 minutes. */
  readonly slotMs: number;
  readonly slotCount: number;
  /** IANA zone of the site, for local labels and local-day boundaries. */
  readonly zone: string;
}

/** Slot lengths accepted: whole minutes that divide a day (1, 5, 15, 30, 60, ... 1440). */
export function slotMinutesIssue(slotMinutes: number, path = '/slotMinutes'): GridIssue | undefined {
  if (!Number.isInteger(slotMinutes) || slotMinutes < 1 || 1440 % slotMinutes !== 0) {
    return { path, message: `${slotMinutes} is not a whole number of minutes dividing 24 h (e.g. 15, 30, 60)` };
  }
  return undefined;
}

/** Input of `createSlotGrid`. */
export interface SlotGridSpec {
  readonly start: InstantInput;
  readonly end: InstantInput;
  /** Slot length in minutes (divides 24 h). */
  readonly slotMinutes: number;
  readonly zone: string;
  /** DST policy for local-time inputs (default: reject nonexistent and ambiguous times). */
  readonly localTimePolicy?: LocalTimePolicy;
}

function gridFromUtc(startUtcMs: number, endUtcMs: number, slotMinutes: number, zone: string, what: string): SlotGrid {
  const slotMs = slotMinutes * 60_000;
  const lengthMs = endUtcMs - startUtcMs;
  if (lengthMs <= 0 || lengthMs % slotMs !== 0) {
    const hours = lengthMs / 3_600_000;
    throw new GridInputError('V2G_ERR_SLOT_GRID', 'The slot grid does not tile the horizon', [
      {
        path: '/end',
        message: lengthMs <= 0
          ? `${what} ends at or before its start`
          : `${what} is ${hours} h long, not a whole number of ${slotMinutes}-minute slots`,
      },
    ]);
  }
  return { startUtcMs, endUtcMs, slotMs, slotCount: lengthMs / slotMs, zone };
}

/**
 * A grid from two instants. The length must be a positive whole number of slots.
 *
 * @example createSlotGrid({ start: '2025-03-30T00:00+01:00', end: '2025-03-31T00:00+02:00', slotMinutes: 15, zone: 'Europe/Berlin' }).slotCount // 92
 */
export function createSlotGrid(spec: SlotGridSpec): SlotGrid {
  assertZone(spec.zone);
  const bad = slotMinutesIssue(spec.slotMinutes);
  if (bad) throw new GridInputError('V2G_ERR_SLOT_GRID', 'The slot length is not usable', [bad]);
  const start = toUtcMs(spec.start, '/start', spec.localTimePolicy);
  const end = toUtcMs(spec.end, '/end', spec.localTimePolicy);
  return gridFromUtc(start, end, spec.slotMinutes, spec.zone, 'the horizon');
}

/** Input of `localDaysSlotGrid`. */
export interface LocalDaysSpec {
  /** First local calendar day, `YYYY-MM-DD`. */
  readonly firstDay: string;
  /** Number of consecutive local days (default 1). */
  readonly dayCount?: number;
  readonly slotMinutes: number;
  readonly zone: string;
}

/**
 * The grid of whole local delivery days: from the first instant of `firstDay` to the first instant of the
 * day after the last one, in the site zone. Europe/Berlin 2025-03-30 with 15-minute slots has 92 slots.
 */
export function localDaysSlotGrid(spec: LocalDaysSpec): SlotGrid {
  assertZone(spec.zone);
  const issues: GridIssue[] = [];
  const bad = slotMinutesIssue(spec.slotMinutes);
  if (bad) issues.push(bad);
  const dayCount = spec.dayCount ?? 1;
  if (!Number.isInteger(dayCount) || dayCount < 1) issues.push({ path: '/dayCount', message: `${dayCount} is not a positive whole number of days` });
  const date = parseLocalDate(spec.firstDay, '/firstDay');
  if ('message' in date) issues.push(date);
  if (issues.length > 0 || 'message' in date) throw new GridInputError('V2G_ERR_SLOT_GRID', 'The local-day grid cannot be built', issues);
  const start = startOfLocalDayUtcMs(date.year, date.month, date.day, spec.zone);
  const after = new Date(utcMsFromFields(date.year, date.month, date.day + dayCount));
  const end = startOfLocalDayUtcMs(after.getUTCFullYear(), after.getUTCMonth() + 1, after.getUTCDate(), spec.zone);
  if (end === start) {
    throw new GridInputError('V2G_ERR_SLOT_GRID', 'The local-day grid cannot be built', [
      { path: '/firstDay', message: `${spec.firstDay} does not exist in ${spec.zone}: the calendar skips it` },
    ]);
  }
  return gridFromUtc(start, end, spec.slotMinutes, spec.zone, `the local day(s) from ${spec.firstDay} in ${spec.zone}`);
}

/** Start of slot `i` (UTC epoch ms). `i` may be `slotCount` (the horizon end). */
export function slotStartUtcMs(grid: SlotGrid, i: number): number {
  return grid.startUtcMs + i * grid.slotMs;
}

/** End of slot `i` (UTC epoch ms, exclusive). */
export function slotEndUtcMs(grid: SlotGrid, i: number): number {
  return grid.startUtcMs + (i + 1) * grid.slotMs;
}

/** The slot containing `utcMs`, or undefined outside [startUtcMs, endUtcMs). */
export function slotIndexAt(grid: SlotGrid, utcMs: number): number | undefined {
  if (utcMs < grid.startUtcMs || utcMs >= grid.endUtcMs) return undefined;
  return Math.floor((utcMs - grid.startUtcMs) / grid.slotMs);
}

/** Index of the first slot boundary at or after `utcMs` (unclamped: may be < 0 or > slotCount). */
export function boundaryAtOrAfter(grid: SlotGrid, utcMs: number): number {
  return Math.ceil((utcMs - grid.startUtcMs) / grid.slotMs);
}

/** Index of the last slot boundary at or before `utcMs` (unclamped). */
export function boundaryAtOrBefore(grid: SlotGrid, utcMs: number): number {
  return Math.floor((utcMs - grid.startUtcMs) / grid.slotMs);
}

/** Slot starts as RFC 3339 in the grid's zone (`2025-10-26T02:00:00+02:00`, then `...02:00:00+01:00`). */
export function slotStartLabels(grid: SlotGrid): string[] {
  return Array.from({ length: grid.slotCount }, (_, i) => formatInstant(slotStartUtcMs(grid, i), grid.zone));
}

/**
 * The slot boundary at or before `utcMs` on the local wall clock: local time is floored to a multiple of
 * the slot length using the zone's offset at `utcMs`. With 60-minute slots in Asia/Kolkata (+05:30) the
 * boundaries fall on local full hours, not on UTC full hours. For 15-minute slots it equals flooring UTC
 * time in every zone whose offset is a multiple of 15 minutes.
 */
export function alignToSlotStart(utcMs: number, slotMinutes: number, zone: string): number {
  const slotMs = slotMinutes * 60_000;
  const off = offsetMs(utcMs, zone);
  const local = utcMs + off;
  const floored = local - (((local % slotMs) + slotMs) % slotMs);
  return floored - off;
}
