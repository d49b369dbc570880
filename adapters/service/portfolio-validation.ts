/**
 * Portfolio rules beyond the schema, checked before anything is stored: the zone, member sites (no
 * duplicates, each exists), the shared limits (grid/portfolio-limits.ts), and, as conflicts with what is
 * stored, a site in two feeders (a site sits behind one connection). Every problem is named by pointer.
 */
import { sharedLimitIssues } from '../../grid/portfolio-limits.ts';
import { isKnownZone } from '../../grid/zone.ts';
import type { FieldIssue } from '../errors.ts';
import type { PortfolioRecord } from '../store/portfolio-store.ts';
import { fieldIssueOf } from './grid-issues.ts';

/** A portfolio as given by a client (a record without its bookkeeping). */
export type PortfolioSpec = Omit<PortfolioRecord, 'createdAtUtcMs' | 'updatedAtUtcMs' | 'revision'>;

/** Rule violations (422): zone, duplicate or unknown members, limits. */
export function portfolioSpecIssues(spec: PortfolioSpec, existingSiteIds: ReadonlySet<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isKnownZone(spec.timeZone)) issues.push({ pointer: '/body/timeZone', detail: `"${spec.timeZone}" is not an IANA time zone (e.g. Europe/Berlin)` });
  const seen = new Map<string, number>();
  spec.siteIds.forEach((id, i) => {
    const prev = seen.get(id);
    if (prev !== undefined) issues.push({ pointer: `/body/siteIds/${i}`, detail: `duplicate site "${id}" (also /body/siteIds/${prev})` });
    else seen.set(id, i);
    if (!existingSiteIds.has(id)) issues.push({ pointer: `/body/siteIds/${i}`, detail: `site "${id}" does not exist` });
  });
  if (spec.sharedLimits) issues.push(...sharedLimitIssues(spec.sharedLimits).map((i) => fieldIssueOf(i, '/body/sharedLimits')));
  return issues;
}

/** Conflicts (409): a member of a feeder that is already in another feeder. */
export function feederMembershipIssues(spec: PortfolioSpec, others: readonly PortfolioRecord[]): FieldIssue[] {
  if (spec.kind !== 'feeder') return [];
  const feederOf = new Map<string, string>();
  for (const p of others) if (p.kind === 'feeder' && p.id !== spec.id) for (const s of p.siteIds) feederOf.set(s, p.id);
  return spec.siteIds.flatMap((id, i) => {
    const other = feederOf.get(id);
    return other ? [{ pointer: `/body/siteIds/${i}`, detail: `site "${id}" is already behind feeder "${other}" (a site has one connection)` }] : [];
  });
}
