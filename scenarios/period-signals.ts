/**
 * The actual signals of every slot of the replay (what really happened, as opposed to what the controller
 * saw): prices with all terms, export price, base load, PV and the site limits, built once by grid's
 * `assembleProblem` over the whole replay without vehicles.
 */
import { assembleProblem } from '../grid/problem-assembly.ts';
import type { SlotGrid } from '../grid/slot-grid.ts';
import { siteSignals } from './decision-problem.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** Per-slot arrays (length = grid.slotCount). */
export interface PeriodSignals {
  readonly grid: SlotGrid;
  readonly marketPricePerKwh: readonly number[];
  readonly importPricePerKwh: readonly number[];
  readonly exportPricePerKwh: readonly number[];
  readonly baseLoadKw: readonly number[];
  readonly pvKw: readonly number[];
  readonly importLimitKw: readonly number[];
  readonly exportLimitKw: readonly number[];
}

/** The actual per-slot signals of the whole replay, from grid's assembly without vehicles. */
export function periodSignals(inputs: ReplayInputs): PeriodSignals {
  const a = assembleProblem({
    site: inputs.site,
    horizonStart: inputs.periodStartUtcMs,
    horizonEnd: inputs.simulationEndUtcMs,
    vehicles: [],
    signals: siteSignals(inputs, inputs.marketPrice),
  });
  const p = a.problem;
  const T = p.slotCount;
  const zeros = () => new Array<number>(T).fill(0);
  return {
    grid: a.grid,
    marketPricePerKwh: a.importPrice.terms[0]!.pricePerKwh,
    importPricePerKwh: p.importPricePerKwh,
    exportPricePerKwh: p.exportPricePerKwh ?? zeros(),
    baseLoadKw: p.baseLoadKw ?? zeros(),
    pvKw: p.pvKw ?? zeros(),
    importLimitKw: p.importLimitKw ?? new Array<number>(T).fill(Infinity),
    exportLimitKw: p.exportLimitKw ?? zeros(),
  };
}
