/** A portfolio plan record on the wire: instants in the portfolio's zone, Infinity as null. */
import type { PortfolioBoundDetail, PortfolioPlanRecord } from '../../store/portfolio-runs.ts';
import { wireInstant } from '../wire-time.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const finite = (x: number) => (Number.isFinite(x) ? r3(x) : null);

export function howMade(p: PortfolioPlanRecord): string {
  const gap = Number.isFinite(p.gap) ? `${(100 * p.gap).toFixed(2)} % above its certified bound` : 'no certified bound';
  const how = p.method === 'price-iterate' ? 'an iterate of the feeder-price loop whose sum kept the shared limits' : p.method === 'vehicle-columns' ? 'one column generation over every vehicle of the portfolio (each site\'s rows and the feeder priced together), split by site' : p.method === 'aggregate-first' ? 'one LP of every site\'s relaxation (a virtual battery per group of vehicles) and the feeder rows, then every site solved once within its share of the limits (at PORTFOLIO_CAPPED_PRICE_FACTOR x that LP\'s feeder prices, said below), its uncapped LP at those prices for the bound' : p.method === 'site-columns' ? 'Dantzig-Wolfe over whole-site plans: a master of the feeder rows and one convexity row per site, each site\'s plan a column of its own solve at the feeder prices; sites with a fractional weight re-solved within their share of the limits' : 'each site re-solved within its share of the shared limits (cap recovery)';
  return `${p.sites.length} sites coordinated by feeder prices (Lagrangian): ${how}; ${p.iterations} iterations, ${p.solves} site solves, stopped on ${p.stopReason}, ${gap}${p.boundDetail ? ` (${p.boundDetail.note})` : ''}; ${p.status}${p.timedOutSites && p.timedOutSites.length > 0 ? ` (${p.timedOutSites.length} site(s) keep the best plan they had when their solve's time limit ran out: ${p.timedOutSites.slice(0, 5).map((s) => s.siteId).join(', ')}${p.timedOutSites.length > 5 ? ', ...' : ''})` : ''}${p.excludedSites.length > 0 ? `; ${p.excludedSites.length} member(s) left out` : ''}; ${p.solvedOn}`;
}

/** The bound's detail: per site where its part of the Lagrangian value came from, its own gap, why it proved none. */
function boundDetailView(d: PortfolioBoundDetail) {
  return {
    kind: d.kind,
    note: d.note,
    ...(d.lagrangianValue !== undefined ? { lagrangianValue: finite(d.lagrangianValue) } : {}),
    ...(d.sites
      ? {
          sites: d.sites.map((s) => ({
            siteId: s.siteId,
            status: s.status,
            source: s.source,
            pricedBound: finite(s.pricedBound),
            pricedObjective: r3(s.pricedObjective),
            gapPercent: Number.isFinite(s.pricedBound) ? r3((100 * (s.pricedObjective - s.pricedBound)) / Math.max(1, Math.abs(s.pricedObjective))) : null,
            ...(s.reason !== undefined ? { reason: s.reason } : {}),
          })),
        }
      : {}),
  };
}

export function portfolioPlanView(p: PortfolioPlanRecord, zone: string) {
  return {
    id: p.id,
    portfolioId: p.portfolioId,
    createdAt: wireInstant(p.createdAtUtcMs, zone),
    jobId: p.jobId,
    reasons: [...p.reasons],
    status: p.status,
    ...(p.timedOutSites ? { timedOutSites: p.timedOutSites.map((s) => ({ siteId: s.siteId, message: s.message })) } : {}),
    method: p.method,
    stopReason: p.stopReason,
    objective: r3(p.objective),
    bound: finite(p.bound),
    gapPercent: Number.isFinite(p.gap) ? r3(100 * p.gap) : null,
    ...(p.boundDetail ? { boundDetail: boundDetailView(p.boundDetail) } : {}),
    iterations: p.iterations,
    solves: p.solves,
    wallMs: p.wallMs,
    solvedOn: p.solvedOn,
    ...(p.siteSolves ? { siteSolves: { mode: p.siteSolves.mode, flows: p.siteSolves.flows, childJobs: p.siteSolves.childJobs, byWorker: { ...p.siteSolves.byWorker }, ...(p.siteSolves.plansCarried !== undefined ? { plansCarried: p.siteSolves.plansCarried, plansResolved: p.siteSolves.plansResolved ?? 0 } : {}), ...(p.siteSolves.resident ? { resident: { ...p.siteSolves.resident } } : {}), ...(p.siteSolves.cpuMs ? { cpuMs: { ...p.siteSolves.cpuMs } } : {}) } } : {}),
    ...(p.priceStep ? { priceStep: { ...p.priceStep } } : {}),
    howMade: howMade(p),
    slots: p.slots.map((s) => ({
      start: wireInstant(s.startUtcMs, zone),
      end: wireInstant(s.endUtcMs, zone),
      netImportKw: r3(s.netImportKw),
      importLimitKw: finite(s.importLimitKw),
      importLimitSource: s.importLimitSource,
      exportLimitKw: finite(s.exportLimitKw),
      exportLimitSource: s.exportLimitSource,
      headroomKw: finite(s.importLimitKw - s.netImportKw),
      priceAdderPerKwh: Math.round(s.priceAdderPerKwh * 1e6) / 1e6,
    })),
    sites: p.sites.map((s) => ({
      siteId: s.siteId,
      planId: s.planId,
      planHref: `/v1/sites/${s.siteId}/plans/${s.planId}`,
      planStatus: s.planStatus,
      objective: r3(s.objective),
      netImportKw: s.netImportKw.map(r3),
      importCapKw: s.importCapKw.map(finite),
      exportCapKw: s.exportCapKw.map(finite),
    })),
    breaches: p.breaches.map((b) => ({ start: wireInstant(p.startUtcMs + b.slot * p.slotMs, zone), direction: b.direction, excessKw: r3(b.excessKw), reason: b.reason })),
    excludedSites: p.excludedSites.map((e) => ({ ...e })),
    dispatchIds: [...p.dispatchIds],
  };
}
