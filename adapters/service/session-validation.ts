/**
 * Session rules beyond the schema, checked before anything is stored: the charger exists and is free,
 * exactly one energy and one target given and within the capacity, departure after arrival and now, and
 * finally the same mapping to the slot grid that every re-plan will use (grid/vehicle-at-instants.ts).
 */
import { maxSlotCount } from '../../grid/problem-assembly.ts';
import { alignToSlotStart, createSlotGrid } from '../../grid/slot-grid.ts';
import { vehiclesOnGrid } from '../../grid/vehicle-at-instants.ts';
import type { FieldIssue } from '../errors.ts';
import type { SessionRecord, SiteRecord } from '../store/records.ts';
import { readingKwh } from './energy-estimate.ts';
import { gridIssues } from './grid-issues.ts';
import { sessionVehicle } from './site-problem.ts';

/** Readings dated further in the future than this are refused (clock skew allowance, ms). */
const futureSkewMs = 5 * 60_000;

function exactlyOne(a: number | undefined, b: number | undefined, names: [string, string], issues: FieldIssue[]): void {
  if (a === undefined && b === undefined) issues.push({ pointer: `/body/${names[0]}`, detail: `give ${names[0]} or ${names[1]}` });
  if (a !== undefined && b !== undefined) issues.push({ pointer: `/body/${names[1]}`, detail: `give ${names[0]} or ${names[1]}, not both` });
}

/** Rule issues (422) of a complete session record. */
export function sessionIssues(site: SiteRecord, s: SessionRecord, nowUtcMs: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const charger = site.chargers.find((c) => c.id === s.chargerId);
  if (!charger) issues.push({ pointer: '/body/chargerId', detail: `site "${site.id}" has no charger "${s.chargerId}" (chargers: ${site.chargers.map((c) => c.id).join(', ') || 'none'})` });
  exactlyOne(s.energyKwh, s.socPercent, ['energyKwh', 'socPercent'], issues);
  exactlyOne(s.targetEnergyKwh, s.targetSocPercent, ['targetEnergyKwh', 'targetSocPercent'], issues);
  if (s.energyKwh !== undefined && s.energyKwh > s.capacityKwh) issues.push({ pointer: '/body/energyKwh', detail: `exceeds capacityKwh (${s.capacityKwh})` });
  if (s.targetEnergyKwh !== undefined && s.targetEnergyKwh > s.capacityKwh) issues.push({ pointer: '/body/targetEnergyKwh', detail: `exceeds capacityKwh (${s.capacityKwh})` });
  if (s.departureUtcMs <= s.arrivalUtcMs) issues.push({ pointer: '/body/departure', detail: 'is not after the arrival' });
  else if (s.departureUtcMs <= nowUtcMs) issues.push({ pointer: '/body/departure', detail: 'is in the past' });
  if (s.measuredAtUtcMs > nowUtcMs + futureSkewMs) issues.push({ pointer: '/body/measuredAt', detail: 'is in the future' });
  if (issues.length > 0 || !charger) return issues;
  const slotMs = site.slotMinutes * 60_000;
  const start = alignToSlotStart(Math.min(s.arrivalUtcMs, nowUtcMs), site.slotMinutes, site.timeZone);
  const slots = Math.min(maxSlotCount, Math.max(1, Math.ceil((s.departureUtcMs - start) / slotMs)));
  return gridIssues('/body', () => {
    const grid = createSlotGrid({ start, end: start + slots * slotMs, slotMinutes: site.slotMinutes, zone: site.timeZone });
    vehiclesOnGrid(grid, [sessionVehicle(site, s, Math.min(s.capacityKwh, readingKwh(s)))!]);
  }).map((i) => ({ ...i, pointer: i.pointer.replace(/^\/body\/0/, '/body') }));
}

/** Another session on the same charger whose stay overlaps (409). */
export function chargerConflict(s: SessionRecord, others: readonly SessionRecord[], nowUtcMs: number): FieldIssue[] {
  const clash = others.find(
    (o) => o.id !== s.id && o.chargerId === s.chargerId && o.departureUtcMs > nowUtcMs && o.arrivalUtcMs < s.departureUtcMs && s.arrivalUtcMs < o.departureUtcMs,
  );
  return clash ? [{ pointer: '/body/chargerId', detail: `charger "${s.chargerId}" is taken by session "${clash.id}" over an overlapping stay` }] : [];
}
