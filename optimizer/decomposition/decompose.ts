/**
 * A problem in, a validated plan out, by price decomposition (README.md): the coordinator prices the shared
 * rows, the vehicles answer with their exact DP (in this thread or on worker threads), the recovery makes a
 * plan that keeps every shared row, and the best dual value certifies its gap. The plan says how it was made:
 * `stats.backend` 'decomposition', `stats.iterations` (coordinator iterations), `stats.rounds` (recoveries),
 * `stats.relaxationObjective` (the certified lower bound), and the message (bound, gap, why it stopped).
 */
import { assemblePlan } from '../plan-assembly.ts';
import type { Plan, PlanOrigin, SolverStats } from '../plan.ts';
import type { Problem } from '../problem.ts';
import { resolveProblem } from '../resolved-problem.ts';
import { validatePlan } from '../plan-validator.ts';
import { fallbackPlan } from '../solve-problem.ts';
import { generateColumns } from './column-generation.ts';
import { gapPct } from '../solve-progress.ts';
import { coordinate, coordinatorDefaults, gapOf, type CoordinatorOptions, type CoordinatorResult, type DualPrices, type FleetPricer } from './coordinator.ts';
import { dpVehicles } from './dp-vehicles.ts';
import { LocalPricer } from './local-pricer.ts';
import { WorkerPricer } from './worker-pricer.ts';
import type { ShardExecutorFactory } from './shard-executor.ts';
import { StoredColumns } from './stored-columns.ts';
import { availableParallelism } from 'node:os';
import type { DpVehicle } from './vehicle-dp.ts';
import type { LpBackend } from '../backends/lp-backend.ts';
import { createHighsBackend } from '../backends/highs-backend.ts';
import { loadHighs } from '../backends/highs-loader.ts';

let masterBackend: Promise<LpBackend> | undefined;
/** HiGHS for the cutting-plane and column-generation masters, loaded once per thread. */
export function highsMaster(): Promise<LpBackend> {
  masterBackend ??= loadHighs().then(createHighsBackend);
  return masterBackend;
}

export interface DecompositionOptions extends CoordinatorOptions {
  /**
   * Pricing threads: 1 prices in this thread; more run shards on worker threads over shared memory
   * (worker-pricer.ts). Default: 1 below `threadedFromVehicles` vehicles, else the machine's parallelism (at most 4).
   */
  readonly threads?: number;
  /** Makes the pricer (overrides `threads`). */
  readonly pricer?: (vehicles: readonly DpVehicle[], slotCount: number, slotHours: number) => FleetPricer | Promise<FleetPricer>;
  /**
   * Where column generation has the shards priced and their answers kept (shard-executor.ts), e.g. BullMQ
   * worker processes (adapters/decomposition-flow/). Default: the pricer's shards, answers kept in this
   * thread (stored-columns.ts). An executor that loses a shard rejects, and so does the solve (its coded
   * error says which shard and why). The cutting-plane fallback (below) prices with `pricer` in this process.
   */
  readonly shardExecutor?: ShardExecutorFactory;
  /**
   * `columns` (default): Dantzig-Wolfe column generation, the restricted master LP in HiGHS
   * (column-generation.ts); `bundle`: trust-region cutting planes on the dual with the placement recovery
   * (bundle-master.ts); `polyak`: subgradient steps towards the best plan's cost (no LP at all).
   */
  readonly stepRule?: 'columns' | 'bundle' | 'polyak';
  /** Vehicle groups of the column-generation master (one column each per pricing). */
  readonly groups?: number;
  /** Weight of the best bound's prices in the next pricing (column generation). */
  readonly smoothing?: number | 'auto';
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

/** Fleets from this size price on worker threads by default (below, a thread's start costs more than it saves). */
export const threadedFromVehicles = 2000;

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
  const threads = options.threads ?? (vehicles.length < threadedFromVehicles ? 1 : Math.min(4, availableParallelism()));
  const makePricer =
    options.pricer ?? ((v: readonly DpVehicle[], T: number, dt: number) => (threads > 1 ? new WorkerPricer(v, T, dt, threads) : new LocalPricer(v, T, dt)));
  let pricer: FleetPricer | undefined;
  const pricerNow = async (): Promise<FleetPricer> => (pricer ??= await makePricer(vehicles, rp.slotCount, rp.slotHours));
  if (!options.shardExecutor) await pricerNow();
  const buildMs = now() - start;
  const stepRule = options.stepRule ?? 'columns';
  const refused: string[] = [];
  try {
    const master = options.masterBackend ?? (stepRule !== 'polyak' ? await highsMaster() : undefined);
    if (stepRule === 'columns' && master) {
      const makeExecutor: ShardExecutorFactory = options.shardExecutor ?? (async (input) => new StoredColumns(await pricerNow(), input));
      const result = await generateColumns(rp, vehicles, makeExecutor, {
        targetGap: options.targetGap ?? coordinatorDefaults.targetGap,
        maxIterations: options.maxIterations ?? coordinatorDefaults.maxIterations,
        timeLimitMs: options.timeLimitMs ?? coordinatorDefaults.timeLimitMs,
        masterBackend: master,
        now,
        ...(options.warmStart ? { warmStart: options.warmStart } : {}),
        ...(options.groups !== undefined ? { groups: options.groups } : {}),
        ...(options.smoothing !== undefined ? { smoothing: options.smoothing } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      const plan = finish(result);
      if (plan) return plan;
      // Every column-generation plan failed the validator (minimum powers the averaging broke): the
      // cutting-plane coordinator with its placement recovery, from the prices found, in the time left.
      const left = Math.max(0, (options.timeLimitMs ?? coordinatorDefaults.timeLimitMs) - (now() - start));
      const fallback = await coordinate(rp, vehicles, await pricerNow(), { ...options, timeLimitMs: left, warmStart: result.prices, masterBackend: master });
      const second = finish({ ...fallback, bound: Math.max(fallback.bound, result.bound), label: 'cutting planes and placement recovery after the column plans failed the validator' });
      if (second) return second;
    } else {
      const plan = finish(await coordinate(rp, vehicles, await pricerNow(), { ...options, ...(master ? { masterBackend: master } : {}) }));
      if (plan) return plan;
    }
  } finally {
    await (pricer as { close?: () => Promise<void> | void } | undefined)?.close?.();
  }
  return fallbackPlan(
    problem,
    rp,
    'error',
    `decomposition plans failed validation: ${refused.join('; ')}`,
    stats(buildMs, now() - start - buildMs, 0, 0),
  );

  /** The first candidate of `result` that passes the validator, as the plan; undefined if none does. */
  function finish(result: CoordinatorResult): Plan | undefined {
    options.onPrices?.(result.prices);
    const solveMs = now() - start - buildMs;
    const why = {
      gap: 'gap target reached',
      iterations: 'iteration limit',
      time: 'time limit',
      optimal: 'dual optimum reached',
      master: 'the master LP failed',
    }[result.stopReason];
    const timedOut = result.stopReason === 'time';
    const candidates = [
      { powers: result.powers, label: result.label },
      ...(result.alternatives ?? []).map((a) => ({ powers: a.powers, label: a.label as string | undefined })),
    ];
    for (const candidate of candidates) {
      const assembled = assemblePlan(rp, {
        status: timedOut ? 'timed_out' : 'feasible',
        powerKw: candidate.powers,
        stats: stats(buildMs, solveMs, result.iterations, result.recoveries, result.bound),
      });
      // The gap of the plan as reported (its assembled cost), against the certified bound.
      const gap = gapOf(assembled.cost.objective, result.bound);
      const made = candidate.label ? `, ${candidate.label}` : '';
      const fellBack = refused.length > 0 ? ` (the better plan failed the validator: ${refused.join('; ')})` : '';
      const message =
        `price decomposition: ${result.iterations} iterations, ${result.recoveries} recoveries (${why})${made}${fellBack}; ` +
        `certified lower bound ${result.bound.toFixed(4)}, gap ${percent(gap)}`;
      // A plan cut short by the time limit says so even when its gap is within the target.
      const plan: Plan = { ...assembled, status: timedOut ? 'timed_out' : gap <= 1e-9 ? 'optimal' : 'feasible', message };
      const violations = validatePlan(problem, plan);
      if (violations.length > 0) {
        refused.push(`${candidate.label ?? 'plan'}: ${violations[0]!.message}`);
        continue;
      }
      const bound = Number.isFinite(result.bound) ? result.bound : undefined;
      const objective = plan.cost.objective;
      const pct = gapPct(objective, bound);
      options.onProgress?.({
        phase: 'done',
        round: result.iterations,
        elapsedMs: now() - start,
        timeLimitMs: options.timeLimitMs ?? coordinatorDefaults.timeLimitMs,
        bestObjective: objective,
        ...(bound !== undefined ? { bound } : {}),
        ...(pct !== undefined ? { gapPct: pct } : {}),
      });
      const origin: PlanOrigin = {
        source: 'decomposition',
        objective,
        ...(bound !== undefined
          ? { bound, gap: objective - bound, ...(Math.abs(bound) >= 1e-9 ? { gapPct: (100 * (objective - bound)) / Math.abs(bound) } : {}) }
          : {}),
        timedOut,
        timeLimitMs: options.timeLimitMs ?? coordinatorDefaults.timeLimitMs,
        elapsedMs: now() - start,
        candidates: [{ source: 'decomposition', objective }],
      };
      return { ...plan, origin };
    }
    return undefined;
  }
}
