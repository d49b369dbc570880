/**
 * Where aggregate-first's gap comes from (issue 17 session 15): the plan's cost minus the Lagrangian bound, split
 * exactly into parts. With a the feeder adder (lambda = max(0, a) on the import row, mu = max(0, -a) on the export
 * row), plan_s the capped plan, LP_s(a) the site's uncapped LP at a, L and E the limits:
 *   plan - bound = sum_s [ (cost_s(plan_s) + dt sum_t a_t net_s,t) - LP_s(a) ]                  (site terms)
 *                + dt sum_t ( lambda_t (L_t - sum_s net_s,t) + mu_t (E_t + sum_s net_s,t) )     (unused feeder at a price)
 * (the bound is sum_s LP_s(a) - dt sum_t (lambda_t L_t + mu_t E_t) and a net = lambda net - mu net). Each site term
 * is split again at the capped LP's value CLP_s(a) (the capped plan's `pricedBound`: its LP relaxation within the
 * caps): the repair's loss `(plan_s priced) - CLP_s` (integer minimum currents and modes) and the caps' loss
 * `CLP_s - LP_s` (how much the split of the limit costs this site at these prices). A plan made at another adder
 * a_s (the capped round at a lower adder, `cappedPriceFactor`) has its LP value at a_s: then the repair's loss is
 * `cost_s + dt sum_t a_s,t net_s,t - CLP_s(a_s)` and the caps' part is the rest of the site's term (caps and price,
 * which can then be < 0 for a site while the unused feeder term shrinks). Every part is >= 0 up to the
 * solvers' tolerances (a capped LP is a restriction of the uncapped one; a plan within the caps keeps the limits).
 * Pure arithmetic over answers the round already has: no solve.
 */

export interface GapSplitSite {
  readonly siteId: string;
  /** The capped plan's cost at the adder prices minus its capped LP's value (>= 0): the LP repair's loss. NaN without a capped LP value. */
  readonly repair: number;
  /** The capped LP's value minus the uncapped LP's (>= 0): what the caps cost this site. NaN without either. */
  readonly caps: number;
}

export interface GapSplit {
  /** plan - bound (the same as the plan's gap times max(1, |plan|), when the bound is the Lagrangian one). */
  readonly total: number;
  /** Sum of the sites' repair losses. */
  readonly repair: number;
  /** Sum of the sites' caps losses. */
  readonly caps: number;
  /** dt sum_t (lambda (L - sum net) + mu (E + sum net)): feeder left unused where it has a price. */
  readonly unusedFeeder: number;
  /** The sites with the largest repair + caps losses (at most 5), for the report. */
  readonly worstSites: readonly GapSplitSite[];
  /** One sentence, in percent of the plan. */
  readonly note: string;
}

export interface GapSplitInput {
  readonly siteIds: readonly string[];
  /**
   * The chosen plans: own objective (without the adder), net import, the LP value of the problem each was made for
   * (`pricedBound`), and the adder it was made at when not `adderPerKwh`.
   */
  readonly capped: readonly { readonly objective: number; readonly netImportKw: readonly number[]; readonly pricedBound: number; readonly madeAtAdderPerKwh?: readonly number[] }[];
  /** The uncapped LPs' priced values (the Lagrangian parts), in the sites' order. */
  readonly uncappedPricedBound: readonly number[];
  readonly adderPerKwh: readonly number[];
  readonly limits: { readonly importLimitKw: readonly number[]; readonly exportLimitKw: readonly number[] };
  readonly slotHours: number;
}

/** See the file's comment. */
export function splitGap(input: GapSplitInput): GapSplit {
  const { adderPerKwh: a, limits } = input;
  const dt = input.slotHours;
  const T = a.length;
  const sum = new Array<number>(T).fill(0);
  let planCost = 0;
  const sites = input.capped.map((c, s): GapSplitSite => {
    let adderCost = 0;
    let madeAtCost = 0;
    const made = c.madeAtAdderPerKwh ?? a;
    for (let t = 0; t < T; t++) {
      sum[t]! += c.netImportKw[t] ?? 0;
      adderCost += dt * a[t]! * (c.netImportKw[t] ?? 0);
      madeAtCost += dt * (made[t] ?? 0) * (c.netImportKw[t] ?? 0);
    }
    planCost += c.objective;
    const term = c.objective + adderCost - input.uncappedPricedBound[s]!;
    const pricedMade = c.objective + madeAtCost;
    const repair = Number.isFinite(c.pricedBound) ? pricedMade - Math.min(c.pricedBound, pricedMade) : NaN;
    return { siteId: input.siteIds[s]!, repair, caps: term - repair };
  });
  let unusedFeeder = 0;
  let priceOfLimits = 0;
  for (let t = 0; t < T; t++) {
    const lambda = Math.max(0, a[t]!);
    const mu = Math.max(0, -a[t]!);
    if (lambda > 0) {
      unusedFeeder += dt * lambda * (limits.importLimitKw[t]! - sum[t]!);
      priceOfLimits += dt * lambda * limits.importLimitKw[t]!;
    }
    if (mu > 0) {
      unusedFeeder += dt * mu * (limits.exportLimitKw[t]! + sum[t]!);
      priceOfLimits += dt * mu * limits.exportLimitKw[t]!;
    }
  }
  const bound = input.uncappedPricedBound.reduce((x, y) => x + y, 0) - priceOfLimits;
  const total = planCost - bound;
  const add = (k: 'repair' | 'caps') => sites.reduce((x, s) => x + (Number.isFinite(s[k]) ? s[k] : 0), 0);
  const repair = add('repair');
  const caps = add('caps');
  const worstSites = [...sites].sort((x, y) => (y.repair || 0) + (y.caps || 0) - (x.repair || 0) - (x.caps || 0)).slice(0, 5);
  const pct = (x: number) => `${((100 * x) / Math.max(1, Math.abs(planCost))).toFixed(3)} %`;
  const missing = sites.filter((s) => !Number.isFinite(s.repair)).length;
  const note = `gap ${pct(total)} = LP repair ${pct(repair)} + caps ${pct(caps)} + unused feeder at a price ${pct(unusedFeeder)}${missing > 0 ? ` (${missing} site(s) without a capped LP value: their repair and caps losses are not split, ${pct(total - repair - caps - unusedFeeder)} unassigned)` : ''}`;
  return { total, repair, caps, unusedFeeder, worstSites, note };
}
