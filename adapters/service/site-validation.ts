/**
 * Site rules beyond the schema, checked before anything is stored: zone, slot length, chargers, tariff
 * (grid/ reads the TOU file and price terms), cron schedules, limits, the three-phase network against the
 * chargers (grid/site-network.ts), the id-token list (id-token-policy.ts). Every problem is named by pointer.
 */
import { priceTermIssues } from '../../grid/price-terms.ts';
import { siteLimitIssues } from '../../grid/site-limits.ts';
import { siteNetworkIssues } from '../../grid/site-network.ts';
import { slotMinutesIssue } from '../../grid/slot-grid.ts';
import { readTouTariff } from '../../grid/tariff.ts';
import { isKnownZone } from '../../grid/zone.ts';
import type { FieldIssue } from '../errors.ts';
import { cronIssue } from '../queue/cron-schedule.ts';
import type { SessionRecord, SiteRecord } from '../store/records.ts';
import { fieldIssueOf, gridIssues } from './grid-issues.ts';
import { idTokenIssues } from './id-token-policy.ts';

/** A site as given by a client (a record without its bookkeeping). */
export type SiteSpec = Omit<SiteRecord, 'createdAtUtcMs' | 'updatedAtUtcMs' | 'revision'>;

const limitPointers: Record<string, string> = {
  '/connectionImportKw': '/body/connection/importLimitKw',
  '/connectionExportKw': '/body/connection/exportLimitKw',
  '/transformerRatingKw': '/body/transformerRatingKw',
};

export function siteSpecIssues(spec: SiteSpec): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const zoneOk = isKnownZone(spec.timeZone);
  if (!zoneOk) issues.push({ pointer: '/body/timeZone', detail: `"${spec.timeZone}" is not an IANA time zone (e.g. Europe/Berlin)` });
  const slot = slotMinutesIssue(spec.slotMinutes, '/body/slotMinutes');
  if (slot) issues.push({ pointer: slot.path!, detail: slot.message });
  const ids = new Map<string, number>();
  spec.chargers.forEach((c, i) => {
    const at = `/body/chargers/${i}`;
    const prev = ids.get(c.id);
    if (prev !== undefined) issues.push({ pointer: `${at}/id`, detail: `duplicate charger id "${c.id}" (also /body/chargers/${prev})` });
    else ids.set(c.id, i);
    if (c.maxPowerKw === undefined && c.ac === undefined) issues.push({ pointer: at, detail: 'give maxPowerKw, ac (amps x phases x voltage), or both' });
    if (c.ac?.minCurrentA !== undefined && c.ac.minCurrentA > c.ac.maxCurrentA) {
      issues.push({ pointer: `${at}/ac/minCurrentA`, detail: `exceeds maxCurrentA (${c.ac.maxCurrentA})` });
    }
    if (c.maxDischargeKw !== undefined && !c.canDischarge) issues.push({ pointer: `${at}/maxDischargeKw`, detail: 'only for a charger that canDischarge' });
  });
  const t = spec.tariff;
  if (t.energyPrice === 'time-of-use' && t.timeOfUse === undefined) {
    issues.push({ pointer: '/body/tariff/timeOfUse', detail: 'is required when energyPrice is time-of-use' });
  }
  if (t.timeOfUse !== undefined && zoneOk) {
    issues.push(...gridIssues('/body/tariff/timeOfUse', () => readTouTariff(t.timeOfUse, { currency: spec.currency, zone: spec.timeZone, overlapPolicy: 'first-listed-wins' })));
  }
  if (t.priceTerms) issues.push(...priceTermIssues(t.priceTerms, 1).map((i) => fieldIssueOf(i, '/body/tariff/priceTerms')));
  spec.replanSchedules.forEach((s, i) => {
    const bad = zoneOk ? cronIssue(s.cron, spec.timeZone) : undefined;
    if (bad) issues.push({ pointer: `/body/replanSchedules/${i}/cron`, detail: `"${s.cron}" ${bad}` });
  });
  if (spec.authorization) issues.push(...idTokenIssues(spec.authorization.idTokens, '/body/authorization/idTokens'));
  const limits = siteLimitIssues({
    connectionImportKw: spec.connectionImportKw,
    ...(spec.connectionExportKw !== undefined ? { connectionExportKw: spec.connectionExportKw } : {}),
    ...(spec.transformerRatingKw !== undefined ? { transformerRatingKw: spec.transformerRatingKw } : {}),
  });
  issues.push(...limits.map((i) => ({ pointer: limitPointers[i.path ?? ''] ?? '/body', detail: i.message })));
  if (spec.network !== undefined) {
    const chargers = spec.chargers.map((c, i) => ({
      id: c.id,
      idPath: `/body/chargers/${i}/id`,
      acPath: `/body/chargers/${i}/ac`,
      ...(c.ac ? { ac: { voltageV: c.ac.voltageV, phases: c.ac.phases, ...(c.ac.minCurrentA !== undefined ? { minCurrentA: c.ac.minCurrentA } : {}) } } : {}),
    }));
    issues.push(...siteNetworkIssues(spec.network, chargers, '/body/network').map((i) => ({ pointer: i.path ?? '/body/network', detail: i.message })));
  }
  return issues;
}

/** Chargers a replacement would remove while sessions still use them. */
export function chargersInUseIssues(spec: SiteSpec, sessions: readonly SessionRecord[], nowUtcMs: number): FieldIssue[] {
  const kept = new Set(spec.chargers.map((c) => c.id));
  const inUse = [...new Set(sessions.filter((s) => s.departureUtcMs > nowUtcMs && !kept.has(s.chargerId)).map((s) => s.chargerId))];
  return inUse.map((id) => ({ pointer: '/body/chargers', detail: `charger "${id}" has a session; end the session (DELETE it) before removing the charger` }));
}
