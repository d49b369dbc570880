/**
 * The demand-charge rows of a site: per billing period one peak column (cost `pricePerKw`, at least the period's
 * `previousPeakKw`) and, per slot the period bills, `import + import excess <= peak`. Shared by the site
 * formulation (formulation.ts) and the portfolio's site relaxation (portfolio/site-relaxation.ts), so the two bill
 * the peak the same way.
 */
import type { LinearProgramBuilder } from './linear-program.ts';
import type { ResolvedProblem } from './resolved-problem.ts';

/** Adds the rows; `importExcessKw[t]` is the slot's import-excess column, or negative when there is none. */
export function addDemandChargeRows(b: LinearProgramBuilder, rp: ResolvedProblem, importKw: ArrayLike<number>, importExcessKw: ArrayLike<number>): void {
  for (const dc of rp.demandChargePeriods) {
    const peak = b.addCol(dc.pricePerKw, dc.previousPeakKw, Infinity);
    b.offset -= dc.pricePerKw * dc.previousPeakKw;
    for (let t = 0; t < rp.slotCount; t++) {
      if (!dc.slot[t]) continue;
      b.entry(importKw[t]!, 1);
      if (importExcessKw[t]! >= 0) b.entry(importExcessKw[t]!, 1);
      b.entry(peak, -1);
      b.endRow(-Infinity, 0);
    }
  }
}
