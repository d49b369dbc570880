/**
 * Shared limits of a portfolio of sites (a feeder behind one transformer, a DSO congestion limit): the
 * sum of the member sites' grid import (export) must stay at or below the limit in every slot.
 *
 * Rules:
 * - A constant limit (`importLimitKw`, `exportLimitKw`) holds at every instant; windows add time-bounded
 *   limits (e.g. a DSO congestion notice for 17:00-19:00). Per slot the tightest applies.
 * - A window covering only part of a slot applies to the whole slot (a slot has one setpoint).
 * - No limit in a direction = unlimited (`Infinity`) with source `none`.
 * - On a tie the earlier source is named: the constant limit, then windows in input order.
 */
import type { GridIssue } from './errors.ts';
import type { SlotGrid } from './slot-grid.ts';

/** A time-bounded shared limit. At least one direction is set. */
export interface SharedLimitWindow {
  /** UTC epoch ms, inclusive. */
  readonly startUtcMs: number;
  /** UTC epoch ms, exclusive; > startUtcMs. */
  readonly endUtcMs: number;
  /** Sum of the sites' import (kW, >= 0). */
  readonly importLimitKw?: number;
  /** Sum of the sites' export (kW, >= 0). */
  readonly exportLimitKw?: number;
  /** Where it comes from, e.g. `dso-notice-2026-12-06`. */
  readonly reason?: string;
}

/** A portfolio's shared limits; everything optional (a market portfolio usually has none). */
export interface SharedLimits {
  /** Always-on import limit of the sum (kW, > 0), e.g. the transformer rating. */
  readonly importLimitKw?: number;
  /** Always-on export limit of the sum (kW, >= 0). */
  readonly exportLimitKw?: number;
  readonly windows?: readonly SharedLimitWindow[];
}

/** The binding shared limit of one slot and where it comes from (`feeder`, `window <i>` or its reason, `none`). */
export interface SharedSlotLimit {
  readonly limitKw: number;
  readonly source: string;
}

/** One `SharedSlotLimit` per slot for each direction (length = slotCount). */
export interface SharedLimitsPerSlot {
  readonly importLimits: readonly SharedSlotLimit[];
  readonly exportLimits: readonly SharedSlotLimit[];
}

function kwIssue(value: number | undefined, path: string, strict: boolean): GridIssue | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (strict && value === 0)) {
    return { path, message: `${String(value)} is not a ${strict ? 'positive' : 'non-negative'} number of kW` };
  }
  return undefined;
}

/** Every problem with the limits (empty when usable); paths are relative to the limits object. */
export function sharedLimitIssues(limits: SharedLimits): GridIssue[] {
  const issues: GridIssue[] = [];
  const push = (i: GridIssue | undefined) => i && issues.push(i);
  push(kwIssue(limits.importLimitKw, '/importLimitKw', true));
  push(kwIssue(limits.exportLimitKw, '/exportLimitKw', false));
  (limits.windows ?? []).forEach((w, i) => {
    const at = `/windows/${i}`;
    if (!Number.isFinite(w.startUtcMs) || !Number.isFinite(w.endUtcMs) || w.endUtcMs <= w.startUtcMs) {
      issues.push({ path: `${at}/end`, message: 'must be after start' });
    }
    if (w.importLimitKw === undefined && w.exportLimitKw === undefined) issues.push({ path: at, message: 'give importLimitKw, exportLimitKw or both' });
    push(kwIssue(w.importLimitKw, `${at}/importLimitKw`, false));
    push(kwIssue(w.exportLimitKw, `${at}/exportLimitKw`, false));
  });
  return issues;
}

/** The tightest shared import and export limit of every slot of `grid`, with its source. */
export function sharedLimitsPerSlot(grid: SlotGrid, limits: SharedLimits): SharedLimitsPerSlot {
  const base = (kw: number | undefined): SharedSlotLimit => (kw === undefined ? { limitKw: Infinity, source: 'none' } : { limitKw: kw, source: 'feeder' });
  const importLimits: SharedSlotLimit[] = new Array<SharedSlotLimit>(grid.slotCount).fill(base(limits.importLimitKw));
  const exportLimits: SharedSlotLimit[] = new Array<SharedSlotLimit>(grid.slotCount).fill(base(limits.exportLimitKw));
  (limits.windows ?? []).forEach((w, i) => {
    const source = w.reason ?? `window ${i}`;
    const first = Math.max(0, Math.floor((w.startUtcMs - grid.startUtcMs) / grid.slotMs));
    const last = Math.min(grid.slotCount, Math.ceil((w.endUtcMs - grid.startUtcMs) / grid.slotMs));
    for (let t = first; t < last; t++) {
      if (w.importLimitKw !== undefined && w.importLimitKw < importLimits[t]!.limitKw) importLimits[t] = { limitKw: w.importLimitKw, source };
      if (w.exportLimitKw !== undefined && w.exportLimitKw < exportLimits[t]!.limitKw) exportLimits[t] = { limitKw: w.exportLimitKw, source };
    }
  });
  return { importLimits, exportLimits };
}
