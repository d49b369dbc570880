/** Portfolio records to and from the wire. */
import type { SharedLimits } from '../../../grid/portfolio-limits.ts';
import type { FieldIssue } from '../../errors.ts';
import type { PortfolioSpec } from '../../service/portfolio-validation.ts';
import type { PortfolioRecord } from '../../store/portfolio-store.ts';
import type { PortfolioReplace } from '../schemas/portfolio.ts';
import { readInstant, wireInstant } from '../wire-time.ts';

/** The spec a body describes; instants that cannot be read are issues (then NaN in the spec). */
export function portfolioSpecOf(id: string, body: PortfolioReplace, issues: FieldIssue[]): PortfolioSpec {
  const limits = body.sharedLimits;
  const sharedLimits: SharedLimits | undefined = limits && {
    ...(limits.importLimitKw !== undefined ? { importLimitKw: limits.importLimitKw } : {}),
    ...(limits.exportLimitKw !== undefined ? { exportLimitKw: limits.exportLimitKw } : {}),
    ...(limits.windows
      ? {
          windows: limits.windows.map((w, i) => ({
            startUtcMs: readInstant(w.start, `/body/sharedLimits/windows/${i}/start`, issues),
            endUtcMs: readInstant(w.end, `/body/sharedLimits/windows/${i}/end`, issues),
            ...(w.importLimitKw !== undefined ? { importLimitKw: w.importLimitKw } : {}),
            ...(w.exportLimitKw !== undefined ? { exportLimitKw: w.exportLimitKw } : {}),
            ...(w.reason !== undefined ? { reason: w.reason } : {}),
          })),
        }
      : {}),
  };
  return { id, name: body.name, kind: body.kind, timeZone: body.timeZone, siteIds: [...body.siteIds], ...(sharedLimits ? { sharedLimits } : {}) };
}

export function portfolioView(p: PortfolioRecord, existingSiteIds: ReadonlySet<string>) {
  const zone = p.timeZone;
  const limits = p.sharedLimits;
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    timeZone: zone,
    siteIds: [...p.siteIds],
    ...(limits
      ? {
          sharedLimits: {
            ...(limits.importLimitKw !== undefined ? { importLimitKw: limits.importLimitKw } : {}),
            ...(limits.exportLimitKw !== undefined ? { exportLimitKw: limits.exportLimitKw } : {}),
            ...(limits.windows
              ? {
                  windows: limits.windows.map((w) => ({
                    start: wireInstant(w.startUtcMs, zone),
                    end: wireInstant(w.endUtcMs, zone),
                    ...(w.importLimitKw !== undefined ? { importLimitKw: w.importLimitKw } : {}),
                    ...(w.exportLimitKw !== undefined ? { exportLimitKw: w.exportLimitKw } : {}),
                    ...(w.reason !== undefined ? { reason: w.reason } : {}),
                  })),
                }
              : {}),
          },
        }
      : {}),
    missingSiteIds: p.siteIds.filter((id) => !existingSiteIds.has(id)),
    createdAt: wireInstant(p.createdAtUtcMs, zone),
    updatedAt: wireInstant(p.updatedAtUtcMs, zone),
    revision: p.revision,
  };
}
