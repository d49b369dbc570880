/**
 * A portfolio dispatch as a shared limit, and its split over the sites.
 *
 * - As a limit on the sum of the sites' net import in its window (a slot it touches gets it whole):
 *   `import-limit X` -> X; `reduce X` -> the baseline (the sum of the plans in force when it arrived) minus
 *   X; `export X` -> -X. The coordinator then plans the sites at least total cost within it.
 * - The split: each site's share of that limit (the coordinator's per-site caps, which sum to the limit)
 *   becomes the site's own dispatch, one per run of slots with the same share: an `import-limit` of the
 *   share, or an `export-delivery` of its magnitude when the share is negative (that site must export).
 *   Later re-plans of the site keep its share (they see its dispatches).
 * - The outcome, per slot: what was asked, what the portfolio's plan does, which sites carry it; a slot
 *   not met, or beyond the plan's horizon, makes it `partial` with the reason (never `full`).
 */
import type { PortfolioPlan } from '../../optimizer/portfolio/coordinate.ts';
import type { SlotGrid } from '../../grid/slot-grid.ts';
import type { PortfolioDispatchOutcome, PortfolioDispatchRecord, PortfolioDispatchSlot, SiteShareDispatch } from '../store/portfolio-runs.ts';
import { slotsTouched } from './dispatch-incentive.ts';

/** Sum within the limit plus this counts as met (kW). */
const toleranceKw = 0.01;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The bound on the sum's net import per slot of `grid` (Infinity outside the window or without a baseline), and the slots without a baseline. */
export function dispatchNetImportLimit(d: PortfolioDispatchRecord, grid: SlotGrid): { limitKw: number[]; noBaseline: number[] } {
  const limitKw = new Array<number>(grid.slotCount).fill(Infinity);
  const noBaseline: number[] = [];
  const baseline = new Map(d.baseline.map((b) => [b.startUtcMs, b.netImportKw]));
  for (const t of slotsTouched(grid, d.startUtcMs, d.endUtcMs)) {
    if (d.kind === 'import-limit') limitKw[t] = d.powerKw;
    else if (d.kind === 'export') limitKw[t] = -d.powerKw;
    else {
      const b = baseline.get(grid.startUtcMs + t * grid.slotMs);
      if (b === null || b === undefined) noBaseline.push(t);
      else limitKw[t] = b - d.powerKw;
    }
  }
  return { limitKw, noBaseline };
}

/** The sites' shares of `d` as site dispatches (one per run of equal shares in its window). */
export function shareDispatches(d: PortfolioDispatchRecord, grid: SlotGrid, siteIds: readonly string[], importCapKw: readonly (readonly number[])[], newId: () => string): SiteShareDispatch[] {
  const slots = slotsTouched(grid, d.startUtcMs, d.endUtcMs);
  const out: SiteShareDispatch[] = [];
  siteIds.forEach((siteId, s) => {
    let run: { first: number; capKw: number } | undefined;
    const close = (endSlot: number) => {
      if (!run || !Number.isFinite(run.capKw)) return;
      const startUtcMs = Math.max(d.startUtcMs, grid.startUtcMs + run.first * grid.slotMs);
      const endUtcMs = Math.min(d.endUtcMs, grid.startUtcMs + endSlot * grid.slotMs);
      const exporting = run.capKw < 0;
      out.push({ siteId, dispatchId: newId(), kind: exporting ? 'export-delivery' : 'import-limit', powerKw: round3(Math.abs(run.capKw)), startUtcMs, endUtcMs });
    };
    for (const t of slots) {
      const cap = round3(importCapKw[s]![t]!);
      if (run && run.capKw === cap) continue;
      close(t);
      run = { first: t, capKw: cap };
    }
    close((slots.at(-1) ?? -1) + 1);
  });
  return out;
}

/** What the portfolio's plan does for `d`, per slot of its window. */
export function dispatchOutcome(
  d: PortfolioDispatchRecord,
  grid: SlotGrid,
  plan: PortfolioPlan<unknown>,
  portfolioPlanId: string,
  siteDispatches: readonly SiteShareDispatch[],
  sitesWithoutShare: readonly string[],
): PortfolioDispatchOutcome {
  const { limitKw, noBaseline } = dispatchNetImportLimit(d, grid);
  const baseline = new Map(d.baseline.map((b) => [b.startUtcMs, b.netImportKw]));
  const slots: PortfolioDispatchSlot[] = [];
  for (const t of slotsTouched(grid, d.startUtcMs, d.endUtcMs)) {
    const startUtcMs = grid.startUtcMs + t * grid.slotMs;
    const net = plan.netImportKw[t]!;
    const b = baseline.get(startUtcMs);
    const plannedKw = d.kind === 'import-limit' ? net : d.kind === 'export' ? -net : b === null || b === undefined ? NaN : b - net;
    const missingBaseline = noBaseline.includes(t);
    const met = !missingBaseline && net <= limitKw[t]! + toleranceKw;
    const breach = plan.breaches.find((x) => x.slot === t && x.direction === 'import');
    const reason = missingBaseline
      ? 'no baseline: a member had no plan in force here when the dispatch arrived, so a reduction cannot be measured against it'
      : met
        ? undefined
        : (breach?.reason ?? `the sites' plans come to ${round3(net)} kW of net import against ${round3(limitKw[t]!)} kW asked`);
    slots.push({
      startUtcMs,
      endUtcMs: startUtcMs + grid.slotMs,
      requestedKw: d.powerKw,
      plannedKw: Number.isFinite(plannedKw) ? round3(plannedKw) : 0,
      netImportLimitKw: Number.isFinite(limitKw[t]!) ? round3(limitKw[t]!) : 0,
      plannedNetImportKw: round3(net),
      met,
      ...(reason ? { reason } : {}),
      sites: plan.sites
        .filter((s) => Number.isFinite(s.importCapKw[t]!))
        .map((s) => ({ siteId: s.siteId, shareNetImportKw: round3(s.importCapKw[t]!), plannedNetImportKw: round3(s.solution.netImportKw[t]!) })),
    });
  }
  const beyond = d.endUtcMs > grid.endUtcMs;
  const metCount = slots.filter((s) => s.met).length;
  const fulfilment = metCount === slots.length && !beyond && slots.length > 0 ? 'full' : metCount > 0 ? 'partial' : 'none';
  const parts = [
    `${metCount} of ${slots.length} slots planned as asked`,
    ...(beyond ? [`the window runs past the plan's horizon (${new Date(grid.endUtcMs).toISOString()}): that part is not planned yet`] : []),
    ...(metCount < slots.length ? [`not met: ${slots.find((s) => !s.met)?.reason ?? ''}`] : []),
    ...(sitesWithoutShare.length > 0 ? [`without a share (joined later or not plannable): ${sitesWithoutShare.join(', ')}`] : []),
  ];
  return { portfolioPlanId, fulfilment, message: parts.join('; '), slots, siteDispatches, sitesWithoutShare };
}
