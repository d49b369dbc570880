/**
 * A problem in, a validated plan out, by price decomposition (README.md): the coordinator prices the shared
 * rows, the vehicles answer with their exact DP (in this thread or on worker threads), the recovery makes a
 * plan that keeps every shared row, and the best dual value certifies its gap. The plan says how it was made:
 * `stats.backend` 'decomposition', `stats.iterations` (coordinator iterations), `stats.rounds` (recoveries),
 * `stats.relaxationObjective` (the certified lower bound), and the message (bound, gap, why it stopped).
 */
import { assemblePlan } from '../plan-assembly.ts';
import type { Plan, SolverStats } from '../plan.ts';
import type { Problem } from '../problem.ts';
import { resolveProblem } from '../resolved-problem.ts';
import { validatePlan } from '../plan-validator.ts';
import { fallbackPlan } from '../solve-problem.ts';
import { coordinate, gapOf, type CoordinatorOptions, type DualPrices, type FleetPricer } from './coordinator.ts';
import { dpVehicles } from './dp-vehicles.ts';
import { LocalPricer } from './local-pricer.ts';
import type { DpVehicle } from './vehicle-dp.ts';
import type { LpBackend } from '../backends/lp-backend.ts';
import { createHighsBackend } from '../backends/highs-backend.ts';
import { loadHighs } from '../backends/highs-loader.ts';

let masterBackend: Promise<LpBackend> | undefined;
/** HiGHS for the cutting-plane master, loaded once per thread. */
function highsMaster(): Promise<LpBackend> {
  masterBackend ??= loadHighs().then(createHighsBackend);
  return masterBackend;
}

export interface DecompositionOptions extends CoordinatorOptions {
  /** Makes the pricer (default: this thread). Worker threads: decomposition-workers.ts. */
  readonly pricer?: (vehicles: readonly DpVehicle[], slotCount: number, slotHours: number) => FleetPricer | Promise<FleetPricer>;
  /**
   * `bundle` (default): trust-region cutting planes on the dual, the master LP in HiGHS (bundle-master.ts);
   * `polyak`: subgradient steps towards the best plan's cost (no LP at all).
   */
  readonly stepRule?: 'bundle' | 'polyak';
  /** Receives the multipliers of the best bound, to seed the next solve (`warmStart`). */
  readonly onPrices?: (prices: DualPrices) => void;
}

function stats(buildMs: number, solveMs: number, iterations: number, rounds: number, bound?: number): SolverStats {
  return {
    backend: 'decomposition',
    buildMs,
    solveMs,
    rows: 0,
    columns: 0,
    iterations,
    integerColumns: 0,
    rounds,
    ...(bound !== undefined && Number.isFinite(bound) ? { relaxationObjective: bound } : {}),
  };
}

const percent = (x: number) => `${(100 * x).toPrecision(3)} %`;

/** Solves a validated problem by price decomposition. Never rejects for solver outcomes: see `Plan.status`. */
export async function solveWithDecomposition(problem: Problem, options: DecompositionOptions = {}): Promise<Plan> {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const rp = resolveProblem(problem);
  if (rp.network) {
    return fallbackPlan(problem, rp, 'error', 'price decomposition does not price three-phase network rows yet; use the monolithic engine', stats(0, 0, 0, 0));
  }
  const vehicles = dpVehicles(rp);
  const pricer = await (options.pricer ?? ((v, T, dt) => new LocalPricer(v, T, dt)))(vehicles, rp.slotCount, rp.slotHours);
  const buildMs = now() - start;
  let result;
  try {
    const master = options.masterBackend ?? ((options.stepRule ?? 'bundle') === 'bundle' ? await highsMaster() : undefined);
    result = await coordinate(rp, vehicles, pricer, { ...options, ...(master ? { masterBackend: master } : {}) });
  } finally {
    await (pricer as { close?: () => Promise<void> | void }).close?.();
  }
  options.onPrices?.(result.prices);
  const solveMs = now() - start - buildMs;
  const gap = gapOf(result.objective, result.bound);
  const why = { gap: 'gap target reached', iterations: 'iteration limit', time: 'time limit', optimal: 'dual optimum reached' }[result.stopReason];
  const message =
    `price decomposition: ${result.iterations} iterations, ${result.recoveries} recoveries (${why}); ` +
    `certified lower bound ${result.bound.toFixed(4)}, gap ${percent(gap)}`;
  const plan = assemblePlan(rp, {
    status: gap <= 1e-9 ? 'optimal' : 'feasible',
    message,
    powerKw: result.powers,
    stats: stats(buildMs, solveMs, result.iterations, result.recoveries, result.bound),
  });
  const violations = validatePlan(problem, plan);
  if (violations.length === 0) return plan;
  const first = violations.slice(0, 3).map((v) => v.message).join('; ');
  return fallbackPlan(problem, rp, 'error', `decomposition plan failed validation (${violations.length}): ${first}`, plan.stats);
}
