/**
 * One plan across a portfolio by column generation over its VEHICLES (optimizer/decomposition/
 * column-generation.ts, `generatePortfolioColumns`): every site's own rows (balance, demand-charge peak) and
 * the feeder rows on the sites' summed net import are priced in one restricted master; each vehicle answers
 * at its site's prices with its exact DP, wherever the shards run (worker threads, or BullMQ shard workers
 * through `shardExecutor`). The plan is split by site, each site's plan settled (minimum powers within the
 * master's net plus a share of the feeder's slack) and checked by the independent validator; the sum is
 * checked against the feeder. A site whose plan the validator refuses is re-solved alone within its share
 * of the feeder (named in the answer), so the sum still keeps the limits. The best Lagrangian value is the
 * certified bound of the portfolio's LP (feeder excess at the limit-excess penalty).
 *
 * Against `coordinatePortfolio` (coordinate.ts, every site's whole LP per feeder-price round): one pricing
 * of all vehicles per round instead of S site solves, and a master that prices every site row exactly.
 */
import { generatePortfolioColumns, type PortfolioDualPrices } from '../decomposition/column-generation.ts';
import { coordinatorDefaults, gapOf } from '../decomposition/coordinator.ts';
import { highsMaster, solveWithDecomposition, threadedFromVehicles } from '../decomposition/decompose.ts';
import { dpVehicles } from '../decomposition/dp-vehicles.ts';
import { LocalPricer } from '../decomposition/local-pricer.ts';
import type { ShardExecutorFactory } from '../decomposition/shard-executor.ts';
import { StoredColumns } from '../decomposition/stored-columns.ts';
import { WorkerPricer } from '../decomposition/worker-pricer.ts';
import { assemblePlan } from '../plan-assembly.ts';
import { validatePlan } from '../plan-validator.ts';
import type { Plan } from '../plan.ts';
import type { Problem } from '../problem.ts';
import { resolveProblem, type ResolvedProblem } from '../resolved-problem.ts';
import type { SolveProgressListener } from '../solve-progress.ts';
import { availableParallelism } from 'node:os';
import type { FeederPrices, PortfolioPlan, SharedRowLimits, SiteShare } from './coordinate.ts';
import { withImportCap } from './site-subproblem.ts';

export interface VehicleColumnsOptions {
  /** Stop once (plan - bound) / |plan| is at most this. Default 0.005. */
  readonly targetGap?: number;
  /**
   * The master's own stop (its LP value against the bound). Default targetGap / 2: rounding the minimum powers
   * adds about 0.5 % at 10 x 50 with the feeder binding, so a master stopped at the target leaves the plan above
   * it (measured at 10 x 50: master at 0.5 % gave the plan 1.20 %, at 0.25 % 0.79 %, at 0.125 % 0.83 %: no better;
   * bench/RESULTS.md, issue 17 session 6).
   */
  readonly masterTargetGap?: number;
  readonly maxIterations?: number;
  readonly timeLimitMs?: number;
  /** Where the vehicles are priced (e.g. BullMQ shard workers); default worker threads in this process. */
  readonly shardExecutor?: ShardExecutorFactory;
  /** Where the shards ran, said in the plan (default: "N pricing threads in this process"). */
  readonly executorLabel?: string;
  /** Pricing threads when no `shardExecutor` (default: 1 below 2,000 vehicles, else min(4, cores)). */
  readonly threads?: number;
  /** Master groups over the whole portfolio (at least one per site). */
  readonly groups?: number;
  /** Feeder prices to start from (a previous portfolio plan's). */
  readonly warmStart?: FeederPrices;
  readonly now?: () => number;
  readonly onProgress?: SolveProgressListener;
}

/** Why a portfolio cannot take this path (undefined: it can). */
export function vehicleColumnsRefusal(problems: readonly Problem[]): string | undefined {
  if (problems.length === 0) return 'no sites';
  const { slotCount, slotHours } = problems[0]!;
  if (problems.some((p) => p.slotCount !== slotCount || p.slotHours !== slotHours)) return 'the sites have different horizons';
  if (problems.some((p) => p.network)) return 'a site has a three-phase network (its rows are not priced by the vehicle decomposition)';
  return undefined;
}

/** The plan of a portfolio by vehicle column generation; `method` 'vehicle-columns'. Sites in `sites` order. */
export async function planPortfolioByVehicleColumns(
  sites: readonly { readonly siteId: string; readonly problem: Problem }[],
  limits: SharedRowLimits,
  options: VehicleColumnsOptions = {},
): Promise<PortfolioPlan<Plan> & { readonly describe: string; readonly feederKw: readonly number[] }> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const rps: ResolvedProblem[] = sites.map((s) => resolveProblem(s.problem));
  const T = rps[0]!.slotCount;
  const dt = rps[0]!.slotHours;
  const members = rps.map((rp) => ({ rp, vehicles: dpVehicles(rp) }));
  const total = members.reduce((n, m) => n + m.vehicles.length, 0);
  const threads = options.threads ?? (total < threadedFromVehicles ? 1 : Math.min(4, availableParallelism()));
  let pricer: (WorkerPricer | LocalPricer) | undefined;
  const makeExecutor: ShardExecutorFactory =
    options.shardExecutor ??
    ((input) => {
      pricer = threads > 1 ? new WorkerPricer(input.vehicles, input.slotCount, input.slotHours, threads) : new LocalPricer(input.vehicles, input.slotCount, input.slotHours);
      return new StoredColumns(pricer, input);
    });
  const excessCostKw = dt * Math.max(...rps.map((rp) => rp.limitExcessPenaltyPerKwh));
  const feeder = { importLimitKw: limits.importLimitKw.slice(0, T), exportLimitKw: limits.exportLimitKw.slice(0, T), excessCostKw };
  const targetGap = options.targetGap ?? 0.005;
  const timeLimitMs = options.timeLimitMs ?? coordinatorDefaults.timeLimitMs;
  let run;
  try {
    run = await generatePortfolioColumns(members, makeExecutor, {
      targetGap: options.masterTargetGap ?? targetGap / 2,
      maxIterations: options.maxIterations ?? coordinatorDefaults.maxIterations,
      timeLimitMs,
      masterBackend: await highsMaster(),
      now,
      feeder,
      // At least one group per site, about four vehicles' worth of groups per 500 (measured: docs in README).
      groups: options.groups ?? Math.max(64, sites.length),
      ...(options.warmStart ? { warmFeederKw: options.warmStart.importPerKwh.map((p, t) => dt * (p - (options.warmStart!.exportPerKwh[t] ?? 0))) } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    await (pricer as { close?: () => Promise<void> | void } | undefined)?.close?.();
  }
  const nets = run.sites.map((s, k) => {
    const net = Float64Array.from(rps[k]!.netBaseKw);
    rps[k]!.vehicles.forEach((v, i) => {
      for (let t = v.arrivalSlot; t < v.endSlot; t++) net[t]! += s.powers[i]![t]!;
    });
    return net;
  });
  const sumNet = new Float64Array(T);
  for (const n of nets) for (let t = 0; t < T; t++) sumNet[t]! += n[t]!;
  const S = sites.length;
  /** A site's share of the feeder: its planned net plus an equal share of the slack (kW; Infinity where no limit). */
  // A net that is not a number (a master share the validator will refuse) takes an equal share of the feeder.
  const capsOf = (k: number) => ({
    importCapKw: Array.from({ length: T }, (_, t) => {
      const limit = feeder.importLimitKw[t]!;
      if (!Number.isFinite(limit)) return Infinity;
      return Number.isFinite(nets[k]![t]!) && Number.isFinite(sumNet[t]!) ? nets[k]![t]! + Math.max(0, limit - sumNet[t]!) / S : Math.max(0, limit) / S;
    }),
    exportCapKw: Array.from({ length: T }, (_, t) => (Number.isFinite(feeder.exportLimitKw[t]!) ? Math.max(0, -nets[k]![t]! + Math.max(0, sumNet[t]! + feeder.exportLimitKw[t]!) / S) : Infinity)),
  });
  const why = { gap: 'gap target reached', iterations: 'iteration limit', time: 'time limit', optimal: 'dual optimum reached', master: 'the master LP failed' }[run.stopReason];
  const refusedSites: string[] = [];
  const shares: SiteShare<Plan>[] = [];
  for (const [k, site] of sites.entries()) {
    const rp = rps[k]!;
    const caps = capsOf(k);
    const stats = { backend: 'decomposition', buildMs: 0, solveMs: now() - started, rows: 0, columns: 0, iterations: run.iterations, integerColumns: 0, rounds: 0 } as const;
    const assembled = assemblePlan(rp, { status: run.stopReason === 'time' ? 'timed_out' : 'feasible', powerKw: run.sites[k]!.powers, stats });
    let plan: Plan = {
      ...assembled,
      message: `portfolio price decomposition over ${total} vehicles of ${S} sites: ${run.iterations} iterations (${why}); this site's share of the master plan; portfolio bound ${run.bound.toFixed(4)}`,
    };
    const violations = validatePlan(site.problem, plan);
    if (violations.length > 0) {
      // Refused: this site alone within its share of the feeder (the others' plans stand, the sum keeps the limits).
      refusedSites.push(`${site.siteId}: ${violations[0]!.message}`);
      const capped = withImportCap(site.problem, caps.importCapKw);
      const alone = await solveWithDecomposition(capped, { timeLimitMs: Math.max(5000, timeLimitMs - (now() - started)) });
      plan = { ...alone, message: `the portfolio master's share failed the validator (${violations[0]!.message}); re-solved alone within its share of the feeder: ${alone.message ?? ''}` };
    }
    const importKw = plan.site.importKw;
    const exportKw = plan.site.exportKw;
    shares.push({
      siteId: site.siteId,
      solution: {
        netImportKw: importKw.slice(0, T).map((x, t) => x - exportKw[t]!),
        importKw: importKw.slice(0, T),
        exportKw: exportKw.slice(0, T),
        objective: plan.cost.objective,
        pricedBound: -Infinity,
        importExcessKw: plan.site.importExcessKw.slice(0, T),
        status: plan.status,
        plan,
      },
      ...caps,
    });
  }
  const netImportKw = Array.from({ length: T }, (_, t) => shares.reduce((a, s) => a + s.solution.netImportKw[t]!, 0));
  const objective = shares.reduce((a, s) => a + s.solution.objective, 0);
  const tol = 1e-6 * Math.max(1, S);
  const breaches: PortfolioPlan<Plan>['breaches'][number][] = [];
  netImportKw.forEach((n, t) => {
    const overI = n - feeder.importLimitKw[t]!;
    if (overI > tol) breaches.push({ slot: t, direction: 'import', excessKw: overI, reason: 'the sites could not keep the feeder import limit in this slot (the master paid its excess: the inflexible load, energy needs or minimum powers leave no room)' });
    const overE = -feeder.exportLimitKw[t]! - n;
    if (overE > tol) breaches.push({ slot: t, direction: 'export', excessKw: overE, reason: 'the sites could not keep the feeder export limit in this slot' });
  });
  const gap = gapOf(objective, run.bound);
  const prices = feederPricesOf(run.prices, dt);
  const where = options.executorLabel ?? `${threads} pricing thread${threads === 1 ? '' : 's'} in this process`;
  return {
    status: breaches.length > 0 ? 'limit-breached' : gap <= 1e-9 ? 'optimal' : 'feasible',
    method: 'vehicle-columns',
    sites: shares,
    netImportKw,
    objective,
    bound: run.bound,
    gap,
    prices,
    iterations: run.iterations,
    solves: refusedSites.length,
    // 'gap' only when the PLAN is within the target (the master may reach it while the settled plan is not).
    stopReason: gap <= targetGap ? 'gap' : 'iterations',
    breaches,
    feederKw: run.prices.feederKw,
    describe:
      `vehicle column generation: ${total} vehicles of ${S} sites priced on ${where}, one master over every site's rows and the feeder; ` +
      `${run.iterations} iterations (${why === 'gap target reached' ? 'the master reached the gap target' : why}; master LP ${(run.masterMs / 1000).toFixed(1)} s), bound ${run.bound.toFixed(2)}, gap ${(100 * gap).toFixed(3)} %` +
      (refusedSites.length > 0 ? `; re-solved alone within their share after the validator refused the master's: ${refusedSites.join('; ')}` : ''),
  };
}

/** The feeder's per-kW prices as the site coordinator's per-kWh import and export prices (warm re-plans of one site). */
function feederPricesOf(prices: PortfolioDualPrices, dt: number): FeederPrices {
  return {
    importPerKwh: prices.feederKw.map((p) => Math.max(0, p) / dt),
    exportPerKwh: prices.feederKw.map((p) => Math.max(0, -p) / dt),
  };
}
