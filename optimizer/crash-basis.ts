/**
 * A starting basis for the first LP (prefix energy form) from a per-vehicle greedy plan, instead of HiGHS's slack
 * basis: each vehicle charges in its cheapest slots (charge cost plus the slot's import price, per kWh stored) until
 * its target, so its marginal slot's charge column is basic in its target row (or its shortfall column, when even
 * every slot at full power is not enough) and the cheaper slots sit at their upper bound; every site balance row
 * has its import column basic. Everything else is as in the slack basis.
 *
 * Why it is a valid, dual-feasible start: the structural columns made basic pair one to one with the rows made
 * nonbasic (a target row per vehicle with a need, a balance row per slot), and the basis matrix is block triangular
 * (a vehicle's charge column lies in its own target row only; an import column in its own balance row), so it is
 * nonsingular. With the balance rows' duals at the import costs and each target row's dual at its marginal cost
 * per kWh, every charge column at its upper bound is cheaper than the margin and every one at zero dearer. What the
 * greedy leaves out (site limits, the demand charge, discharging, capacity and floor rows it breaks) the dual
 * simplex repairs; HiGHS checks the basis and starts cold if it refuses it. The LP's optimum (and so the bound) is
 * the same from any start; where the LP has several optimal vertices, the one found may differ.
 *
 * Measured (generated depots, 96 slots, 6 A minimum; bench/RESULTS.md, issue 12 session 8): first-LP dual simplex
 * iterations 50 vehicles seeds 1-5: 698, 604, 579, 638, 706 from the slack basis, 466, 370, 451, 428, 440 from this
 * one; 1,000 vehicles seeds 1-3: 4,770, 5,520, 5,306 and 3,994, 4,885, 4,568. Whole solves (same process,
 * alternated): 50 vehicles -5 to -11 % CPU, same plan; 1,000 vehicles +10-12 % CPU (the vertex it ends at needs a
 * second repair re-solve), same objective. So it is opt-in (`SolveOptions.crashBasis`), off by default.
 */
import type { LpBasis } from './backends/lp-backend.ts';
import type { Formulation } from './formulation.ts';
import type { ResolvedProblem } from './resolved-problem.ts';

/** HiGHS basis status codes (lp-backend.ts `LpBasis`). */
const atLower = 0;
const basic = 1;
const atUpper = 2;

/** The greedy start of the LP of `formulation` (prefix form, no integer columns); undefined for any other model. */
export function greedyCrashBasis(rp: ResolvedProblem, formulation: Formulation): LpBasis | undefined {
  const { lp, columns, targets, balanceRows } = formulation;
  if (formulation.energyForm !== 'prefix' || lp.integerCount > 0) return undefined;
  const colStatus = new Int32Array(lp.numCols); // all at their lower bound
  const rowStatus = new Int32Array(lp.numRows).fill(basic);
  for (let t = 0; t < rp.slotCount; t++) {
    colStatus[columns.importKw[t]!] = basic;
    rowStatus[balanceRows[t]!] = atLower;
  }
  const slots: number[] = [];
  const perKwh = new Float64Array(rp.slotCount);
  rp.vehicles.forEach((v, i) => {
    const target = targets[i]!;
    if (target.row < 0) return;
    let needKwh = lp.rowLower[target.row]!; // required - E0
    const gain = rp.slotHours * v.chargeEfficiency;
    if (!(needKwh > 0) || !(gain > 0)) return;
    const charge = columns.charge[i]!;
    slots.length = 0;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const col = charge[t]!;
      if (col < 0) continue;
      slots.push(t);
      perKwh[t] = (lp.colCost[col]! + lp.colCost[columns.importKw[t]!]!) / gain;
    }
    slots.sort((a, b) => perKwh[a]! - perKwh[b]! || a - b);
    let marginal = target.shortfallCol;
    for (const t of slots) {
      const col = charge[t]!;
      const kwh = lp.colUpper[col]! * gain;
      if (kwh < needKwh) {
        colStatus[col] = atUpper;
        needKwh -= kwh;
      } else {
        marginal = col;
        break;
      }
    }
    colStatus[marginal] = basic;
    rowStatus[target.row] = atLower;
  });
  return { colStatus, rowStatus };
}
