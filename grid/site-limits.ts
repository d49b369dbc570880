/**
 * Site import and export limits per slot, with the source of each.
 *
 * Rules:
 * - Import limit per slot = the tightest of: the connection's import limit (always given), the
 *   transformer rating (if given), and every import capacity limit (dispatch events) touching the slot.
 * - Export limit per slot = the tightest of: the connection's export limit, the transformer rating and
 *   every export capacity limit touching the slot. Without a connection export limit export is not agreed:
 *   the limit is 0 with source `no-export-agreed` (the optimizer's default too).
 * - A capacity limit that covers only part of a slot applies to the whole slot (the slot can only have one
 *   setpoint, and it must respect the limit during every part of it).
 * - On a tie the earlier source in this order is named: connection, transformer, limits in input order.
 */
import { GridInputError, type GridIssue } from './errors.ts';
import type { SlotGrid } from './slot-grid.ts';

/** A time-bounded cap on site import or export, e.g. from an OpenADR IMPORT_CAPACITY_LIMIT event. */
export interface CapacityLimit {
  /** Where the limit comes from, e.g. `openadr3:event-17/interval 2` or `dso-letter-2025-11`. */
  readonly source: string;
  readonly direction: 'import' | 'export';
  /** UTC epoch ms, inclusive. */
  readonly startUtcMs: number;
  /** UTC epoch ms, exclusive; > startUtcMs. */
  readonly endUtcMs: number;
  /** Maximum power (kW, >= 0). */
  readonly limitKw: number;
}

/** The physical and contractual limits of a site. */
export interface SiteLimitInputs {
  /** Connection (contracted) import limit (kW, > 0). */
  readonly connectionImportKw: number;
  /** Connection export limit (kW, >= 0); omitted = export not agreed (0). */
  readonly connectionExportKw?: number;
  /** Transformer rating (kW at unity power factor), caps both directions. */
  readonly transformerRatingKw?: number;
  readonly capacityLimits?: readonly CapacityLimit[];
}

/** The binding limit of one slot and where it comes from (`connection`, `transformer`, a limit's source, `no-export-agreed`). */
export interface SlotLimit {
  readonly limitKw: number;
  readonly source: string;
}

/** One `SlotLimit` per slot for each direction (length = slotCount). */
export interface SiteLimits {
  readonly importLimits: readonly SlotLimit[];
  readonly exportLimits: readonly SlotLimit[];
}

function nonNegative(value: number | undefined, path: string, issues: GridIssue[], strict = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (strict && value === 0)) {
    issues.push({ path, message: `${String(value)} is not a ${strict ? 'positive' : 'non-negative'} number of kW` });
  }
}

/** Every problem with the inputs (empty when they are usable). */
export function siteLimitIssues(inputs: SiteLimitInputs): GridIssue[] {
  const issues: GridIssue[] = [];
  if (inputs.connectionImportKw === undefined) issues.push({ path: '/connectionImportKw', message: 'is required (every grid connection has an import limit)' });
  nonNegative(inputs.connectionImportKw, '/connectionImportKw', issues, true);
  nonNegative(inputs.connectionExportKw, '/connectionExportKw', issues);
  nonNegative(inputs.transformerRatingKw, '/transformerRatingKw', issues, true);
  const limits = inputs.capacityLimits ?? [];
  if (!Array.isArray(limits)) issues.push({ path: '/capacityLimits', message: 'must be an array of capacity limits' });
  (Array.isArray(limits) ? limits : []).forEach((l, i) => {
    const at = `/capacityLimits/${i}`;
    if (l === null || typeof l !== 'object') {
      issues.push({ path: at, message: 'is not a capacity limit { source, direction, startUtcMs, endUtcMs, limitKw }' });
      return;
    }
    if (l.direction !== 'import' && l.direction !== 'export') issues.push({ path: `${at}/direction`, message: `"${String(l.direction)}" is not import or export` });
    if (typeof l.source !== 'string' || l.source === '') issues.push({ path: `${at}/source`, message: 'must name where the limit comes from' });
    if (!Number.isSafeInteger(l.startUtcMs) || !Number.isSafeInteger(l.endUtcMs) || l.endUtcMs <= l.startUtcMs) {
      issues.push({ path: at, message: 'startUtcMs and endUtcMs must be integer epoch ms with start < end' });
    }
    if (typeof l.limitKw !== 'number' || !Number.isFinite(l.limitKw) || l.limitKw < 0) {
      issues.push({ path: `${at}/limitKw`, message: `${String(l.limitKw)} is not a non-negative number of kW` });
    }
  });
  return issues;
}

/**
 * The tightest import and export limit of every slot, with its source. Throws `V2G_ERR_SITE_INPUT` listing
 * every bad input.
 */
export function siteLimitsPerSlot(grid: SlotGrid, inputs: SiteLimitInputs): SiteLimits {
  const issues = siteLimitIssues(inputs);
  if (issues.length > 0) throw new GridInputError('V2G_ERR_SITE_INPUT', 'The site limits are not usable', issues);
  const base = (direction: 'import' | 'export'): SlotLimit => {
    let best: SlotLimit =
      direction === 'import'
        ? { limitKw: inputs.connectionImportKw, source: 'connection' }
        : inputs.connectionExportKw === undefined
          ? { limitKw: 0, source: 'no-export-agreed' }
          : { limitKw: inputs.connectionExportKw, source: 'connection' };
    const t = inputs.transformerRatingKw;
    if (t !== undefined && t < best.limitKw) best = { limitKw: t, source: 'transformer' };
    return best;
  };
  const importLimits: SlotLimit[] = new Array(grid.slotCount).fill(base('import'));
  const exportLimits: SlotLimit[] = new Array(grid.slotCount).fill(base('export'));
  for (const l of inputs.capacityLimits ?? []) {
    const target = l.direction === 'import' ? importLimits : exportLimits;
    const first = Math.max(0, Math.floor((l.startUtcMs - grid.startUtcMs) / grid.slotMs));
    const last = Math.min(grid.slotCount - 1, Math.ceil((l.endUtcMs - grid.startUtcMs) / grid.slotMs) - 1);
    for (let t = first; t <= last; t++) {
      if (l.limitKw < target[t]!.limitKw) target[t] = { limitKw: l.limitKw, source: l.source };
    }
  }
  return { importLimits, exportLimits };
}
