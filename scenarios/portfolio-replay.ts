/**
 * A portfolio replay for researchers: several sites (each a scenario: its chargers, sessions, prices, building
 * load) behind one feeder import limit. Each site's whole replay is one problem (the perfect-foresight offline
 * problem, offline-optimum.ts); the replay plans them twice:
 * - **uncoordinated**: every site alone at its own prices (what today's per-site planning does), and
 * - **coordinated**: one plan across the sites under the feeder limit (optimizer/portfolio/coordinate.ts:
 *   feeder prices, per-site caps, a certified bound),
 * and reports per slot the feeder's load both ways against the limit, each site's cost both ways, and the
 * price of the feeder limit (coordinated minus uncoordinated cost). No I/O: the CLI reads the files
 * (adapters/cli/portfolio-replay-run.ts).
 *
 * The portfolio file: `{ name, description, feederImportLimitKw, members: [{ siteId, scenario, seed? }],
 * targetGapPct?, maxIterations? }`. Every member must replay the same period on the same slot length (the
 * feeder sums slots); sites whose sessions end earlier are summed on their common slots.
 */
import type { Plan } from '../optimizer/plan.ts';
import type { Problem } from '../optimizer/problem.ts';
import type { LpBackend } from '../optimizer/backends/lp-backend.ts';
import { coordinateAggregateFirst } from '../optimizer/portfolio/aggregate-first.ts';
import { coordinatePortfolio, type CoordinateOptions, type PortfolioPlan, type SharedRowLimits } from '../optimizer/portfolio/coordinate.ts';
import { coordinateBySiteColumns } from '../optimizer/portfolio/site-columns.ts';
import type { SiteSubproblem } from '../optimizer/portfolio/site-subproblem.ts';
import { firstSlotsOf, problemSubproblem } from '../optimizer/portfolio/site-subproblem.ts';
import { ScenarioError } from './errors.ts';
import { offlineProblem } from './offline-optimum.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** One member site of a portfolio scenario. */
export interface PortfolioMember {
  readonly siteId: string;
  /** A scenario file (relative to the portfolio file) or the name of a shipped scenario. */
  readonly scenario: string;
  /** Overrides the scenario's seed (generated sessions differ per site). */
  readonly seed?: number;
}

export interface PortfolioScenario {
  readonly name: string;
  readonly description: string;
  readonly feederImportLimitKw: number;
  readonly members: readonly PortfolioMember[];
  /** Stop the coordination at this gap to its certified bound (%); default 0.5. */
  readonly targetGapPct?: number;
  /** Price iterations at most; default 40. */
  readonly maxIterations?: number;
}

const fail = (path: string, message: string): never => {
  throw new ScenarioError('V2G_ERR_SCENARIO_FORMAT', 'The portfolio scenario does not match its format', [{ path, message }]);
};

/** Parses and checks a portfolio scenario file (`V2G_ERR_SCENARIO_FORMAT` naming the field). */
export function parsePortfolioScenario(text: string): PortfolioScenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail('/', `not JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('/', 'must be an object');
  const o = raw as Record<string, unknown>;
  const known = new Set(['name', 'description', 'feederImportLimitKw', 'members', 'targetGapPct', 'maxIterations']);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(`/${k}`, 'unknown field');
  if (typeof o.name !== 'string' || o.name === '') fail('/name', 'must be a non-empty string');
  if (typeof o.description !== 'string') fail('/description', 'must be a string');
  if (typeof o.feederImportLimitKw !== 'number' || !(o.feederImportLimitKw > 0)) fail('/feederImportLimitKw', 'must be a number > 0 (kW)');
  if (o.targetGapPct !== undefined && (typeof o.targetGapPct !== 'number' || !(o.targetGapPct > 0))) fail('/targetGapPct', 'must be a number > 0 (%)');
  if (o.maxIterations !== undefined && (!Number.isInteger(o.maxIterations) || (o.maxIterations as number) < 1)) fail('/maxIterations', 'must be an integer >= 1');
  if (!Array.isArray(o.members) || o.members.length < 2) fail('/members', 'must list at least two member sites');
  const ids = new Set<string>();
  const members = (o.members as unknown[]).map((m, i): PortfolioMember => {
    const at = `/members/${i}`;
    if (m === null || typeof m !== 'object') return fail(at, 'must be an object');
    const r = m as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!['siteId', 'scenario', 'seed'].includes(k)) fail(`${at}/${k}`, 'unknown field');
    if (typeof r.siteId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(r.siteId)) fail(`${at}/siteId`, 'must be 1-64 of A-Z a-z 0-9 . _ -');
    if (ids.has(r.siteId as string)) fail(`${at}/siteId`, `"${String(r.siteId)}" is used twice`);
    ids.add(r.siteId as string);
    if (typeof r.scenario !== 'string' || r.scenario === '') fail(`${at}/scenario`, 'must name a scenario file or a shipped scenario');
    if (r.seed !== undefined && !Number.isInteger(r.seed)) fail(`${at}/seed`, 'must be an integer');
    return { siteId: r.siteId as string, scenario: r.scenario as string, ...(r.seed !== undefined ? { seed: r.seed as number } : {}) };
  });
  return {
    name: o.name as string,
    description: o.description as string,
    feederImportLimitKw: o.feederImportLimitKw as number,
    members,
    ...(o.targetGapPct !== undefined ? { targetGapPct: o.targetGapPct as number } : {}),
    ...(o.maxIterations !== undefined ? { maxIterations: o.maxIterations as number } : {}),
  };
}

/** One site's outcome in both plans. */
export interface PortfolioReplaySite {
  readonly siteId: string;
  readonly sessions: number;
  /** Its objective (net cost + shortfall penalty, at its own prices) planned alone and coordinated. */
  readonly uncoordinatedObjective: number;
  readonly coordinatedObjective: number;
  readonly uncoordinatedPeakKw: number;
  readonly coordinatedPeakKw: number;
  readonly coordinatedStatus: string;
}

export interface PortfolioReplayResult {
  readonly name: string;
  /** Which coordinator made `coordinated`. */
  readonly coordination: ReplayCoordination;
  readonly feederImportLimitKw: number;
  readonly startUtcMs: number;
  readonly slotMinutes: number;
  readonly slotCount: number;
  /** Per slot: the sum of the sites' net import planned alone, and coordinated (kW). */
  readonly uncoordinatedKw: readonly number[];
  readonly coordinatedKw: readonly number[];
  readonly uncoordinated: { readonly objective: number; readonly peakKw: number; readonly slotsOverLimit: number };
  readonly coordinated: Omit<PortfolioPlan<Plan>, 'sites' | 'netImportKw' | 'prices'> & { readonly peakKw: number; readonly slotsOverLimit: number; readonly gapPct: number | null };
  /** Coordinated minus uncoordinated objective: what keeping the feeder limit costs the sites. */
  readonly priceOfFeederLimit: number;
  readonly sites: readonly PortfolioReplaySite[];
}

/** The coordinators a replay can run (optimizer/portfolio/README.md): the service's default is `aggregate-first` since session 16, as the replay's. */
export const replayCoordinations = ['price-loop', 'site-columns', 'aggregate-first'] as const;
export type ReplayCoordination = (typeof replayCoordinations)[number];

/** Runs the named coordinator; aggregate-first's aggregate LP on `backend` (its uncapped round cold: no bound solver here). */
function coordinateWith<P>(coordination: ReplayCoordination, sites: readonly SiteSubproblem<P>[], limits: SharedRowLimits, options: CoordinateOptions, backend: LpBackend | undefined): Promise<PortfolioPlan<P>> {
  if (coordination === 'site-columns') return coordinateBySiteColumns(sites, limits, options);
  if (coordination === 'aggregate-first') return coordinateAggregateFirst(sites, limits, { ...options, ...(backend ? { backend } : {}), boundSolve: 'cold-round' });
  return coordinatePortfolio(sites, limits, options);
}

/**
 * Plans the members alone and coordinated under the feeder limit (see above). `solve` runs any LP backend;
 * `coordination` picks the coordinator (default `aggregate-first`: the smallest certified gap measured on both shipped
 * portfolios, bench/RESULTS.md session 15; the result says which ran).
 */
export async function replayPortfolio(scenario: PortfolioScenario, members: readonly { readonly siteId: string; readonly inputs: ReplayInputs }[], solve: (problem: Problem) => Promise<Plan>, options: { readonly coordination?: ReplayCoordination; readonly backend?: LpBackend } = {}): Promise<PortfolioReplayResult> {
  const coordination = options.coordination ?? 'aggregate-first';
  const first = members[0]!.inputs;
  for (const [i, m] of members.entries()) {
    if (m.inputs.periodStartUtcMs !== first.periodStartUtcMs || m.inputs.slotMinutes !== first.slotMinutes) {
      fail(`/members/${i}/scenario`, `replays from ${new Date(m.inputs.periodStartUtcMs).toISOString()} on ${m.inputs.slotMinutes}-minute slots; the first member from ${new Date(first.periodStartUtcMs).toISOString()} on ${first.slotMinutes}-minute slots: members must share the period and slot length`);
    }
  }
  const problems = members.map((m) => ({ siteId: m.siteId, problem: offlineProblem(m.inputs).problem }));
  const T = Math.min(...problems.map((p) => p.problem.slotCount));
  const sites = problems.map((p) => firstSlotsOf(problemSubproblem(p.siteId, p.problem, solve), T));
  const limit = scenario.feederImportLimitKw;
  const alone = await Promise.all(sites.map((s) => s.solve({ adderPerKwh: new Array<number>(T).fill(0) })));
  const coordinated = await coordinateWith(coordination, sites, { importLimitKw: new Array<number>(T).fill(limit), exportLimitKw: new Array<number>(T).fill(Infinity) }, {
    targetGap: (scenario.targetGapPct ?? 0.5) / 100,
    ...(scenario.maxIterations !== undefined ? { maxIterations: scenario.maxIterations } : {}),
  }, options.backend);
  const uncoordinatedKw = Array.from({ length: T }, (_, t) => alone.reduce((a, s) => a + s.netImportKw[t]!, 0));
  const over = (kw: readonly number[]) => kw.filter((x) => x > limit + 1e-6).length;
  const uncoordinatedObjective = alone.reduce((a, s) => a + s.objective, 0);
  const { sites: shares, netImportKw, prices: _prices, ...rest } = coordinated;
  // aggregate-first's own details (the LP's size, the Lagrangian round) stay out of the summary; its method and bound kind say it.
  const summary = { method: rest.method, status: rest.status, objective: rest.objective, bound: rest.bound, ...(rest.boundKind ? { boundKind: rest.boundKind } : {}), gap: rest.gap, iterations: rest.iterations, solves: rest.solves, stopReason: rest.stopReason, breaches: rest.breaches };
  return {
    name: scenario.name,
    coordination,
    feederImportLimitKw: limit,
    startUtcMs: first.periodStartUtcMs,
    slotMinutes: first.slotMinutes,
    slotCount: T,
    uncoordinatedKw,
    coordinatedKw: netImportKw,
    uncoordinated: { objective: uncoordinatedObjective, peakKw: Math.max(...uncoordinatedKw), slotsOverLimit: over(uncoordinatedKw) },
    coordinated: { ...summary, peakKw: Math.max(...netImportKw), slotsOverLimit: over(netImportKw), gapPct: Number.isFinite(coordinated.gap) ? 100 * coordinated.gap : null },
    priceOfFeederLimit: coordinated.objective - uncoordinatedObjective,
    sites: members.map((m, i) => ({
      siteId: m.siteId,
      sessions: m.inputs.sessions.length,
      uncoordinatedObjective: alone[i]!.objective,
      coordinatedObjective: shares[i]!.solution.objective,
      uncoordinatedPeakKw: Math.max(...alone[i]!.netImportKw),
      coordinatedPeakKw: Math.max(...shares[i]!.solution.netImportKw),
      coordinatedStatus: shares[i]!.solution.status,
    })),
  };
}
