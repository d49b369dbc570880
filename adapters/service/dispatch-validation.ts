/** Dispatch rules beyond the schema, checked before anything is stored. */
import type { FieldIssue } from '../errors.ts';
import type { DispatchRecord } from '../store/records.ts';

/** Longest dispatch window (ms). */
export const maxDispatchWindowMs = 7 * 86_400_000;

/** Rule issues (422): window order, not over, not too long. */
export function dispatchIssues(d: Pick<DispatchRecord, 'startUtcMs' | 'endUtcMs'>, nowUtcMs: number): FieldIssue[] {
  if (d.endUtcMs <= d.startUtcMs) return [{ pointer: '/body/end', detail: 'is not after start' }];
  const issues: FieldIssue[] = [];
  if (d.endUtcMs <= nowUtcMs) issues.push({ pointer: '/body/end', detail: 'is in the past: the window is over' });
  if (d.endUtcMs - d.startUtcMs > maxDispatchWindowMs) issues.push({ pointer: '/body/end', detail: 'the window is longer than 7 days' });
  return issues;
}

/** Another active export delivery whose window overlaps (409): deliveries do not add up. */
export function deliveryConflict(d: DispatchRecord, existing: readonly DispatchRecord[], nowUtcMs: number): FieldIssue[] {
  if (d.kind !== 'export-delivery') return [];
  const clash = existing.find(
    (o) => o.kind === 'export-delivery' && o.status === 'active' && o.endUtcMs > nowUtcMs && o.startUtcMs < d.endUtcMs && d.startUtcMs < o.endUtcMs,
  );
  return clash ? [{ pointer: '/body/start', detail: `overlaps export delivery "${clash.id}"; cancel it first (DELETE) or choose another window` }] : [];
}
