/**
 * run.json: what was run (policy, scenario and its hash, git commit, solver and version, seed, options)
 * and what came out (the KPIs by name, billing, decisions, notes). The caller supplies what only the edge
 * knows (git commit, solver version, the instant the run started).
 */
import { formatInstant } from '../grid/instant.ts';
import { computeKpis, scenarioNetworkLoading, type Kpis } from './kpis.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import type { ReplayResult } from './replay-result.ts';
import { withoutTimings } from './kpi-table.ts';
import { offlineTimeLimitMs } from './offline-optimum.ts';
import { offlineWorkLimitOf } from './offline-budget.ts';
import { policyNeedsSolver } from './policy-names.ts';
import { howRunWasMade } from './run-label.ts';
import { scenarioHash } from './scenario-hash.ts';

/** A data file as read by the edge: the path the scenario names, SHA-256 (hex) of its bytes, its size. */
export interface DataFileProvenance {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Facts from outside the replay, all deterministic for the same code, data and options (no timings). */
export interface RunMetadata {
  /** `git rev-parse HEAD` (with `-dirty` when the tree has changes), or `unknown`. */
  readonly gitCommit: string;
  /** Whether tracked files differ from the commit; null outside a repository. */
  readonly gitDirty?: boolean | null;
  /** HiGHS version string when an LP backend was used. */
  readonly highsVersion?: string;
  /** libClp's version when the LPs were solved by CLP (`--lp-backend clp`; its MILPs by HiGHS). */
  readonly clpVersion?: string;
  /** `process.version` of the run. */
  readonly nodeVersion?: string;
  /** The command's own options as given (seed, policies, output directory...). */
  readonly commandOptions?: Readonly<Record<string, unknown>>;
}

/** timings.json: wall-clock facts of a run, kept apart so the result files are byte-identical across identical runs. */
export interface RunTimings {
  /** When the run started (RFC 3339), by the caller's clock. */
  readonly startedAt: string;
  /** Wall time of the whole replay (ms). */
  readonly elapsedMs: number;
  readonly solveCount: number;
  readonly solveTimeP50Ms: number;
  readonly solveTimeP95Ms: number;
  readonly solveTimeMaxMs: number;
  /** For `offline`: the one solve (ms). */
  readonly offlineSolveMs?: number;
  /** Every decision's wall time (ms), in order. */
  readonly decisionMs: readonly number[];
}

/** The timings of a run. */
export function runTimings(result: ReplayResult, startedAt: string, elapsedMs: number): RunTimings {
  const k = computeKpis(result);
  return {
    startedAt,
    elapsedMs,
    solveCount: k.solveCount,
    solveTimeP50Ms: k.solveTimeP50Ms,
    solveTimeP95Ms: k.solveTimeP95Ms,
    solveTimeMaxMs: k.solveTimeMaxMs,
    ...(result.offlinePlan ? { offlineSolveMs: result.offlinePlan.elapsedMs } : {}),
    decisionMs: result.decisions.decisionMs,
  };
}

/**
 * The KPIs as written to run.json: every KPI by name, always present; one without a value is `null` (the
 * gap without an offline run to measure it against, `--no-gap` or an offline net cost of 0; the network
 * KPIs without a network).
 */
export type RunKpis = { readonly [K in keyof Kpis]: Exclude<Kpis[K], undefined> | (undefined extends Kpis[K] ? null : never) };

/** The three-phase network's loading in run.json: every element's peak current against its limit, and the unbalance. */
export interface RunNetwork {
  readonly elements: readonly { readonly name: string; readonly limitA: number | null; readonly peakA: number; readonly peakAt: string; readonly peakLoadingPct: number | null; readonly slotsOverLimit: number }[];
  readonly meanSecondaryUnbalancePct: number | null;
  readonly maxSecondaryUnbalancePct: number | null;
  readonly meanPrimaryUnbalancePct: number | null;
}

/** The content of run.json: deterministic for the same code, data, seed and options (timings: `RunTimings`). */
export interface RunRecord {
  readonly policy: string;
  readonly scenario: { readonly name: string; readonly description: string; readonly hash: string; readonly dataFiles: readonly DataFileProvenance[] };
  readonly gitCommit: string;
  readonly solver: { readonly name: string; readonly version: string };
  /** Everything needed to reproduce the run: code, runtime, solver, data (hashes in `scenario.dataFiles`). */
  readonly provenance: {
    readonly git: { readonly commit: string; readonly dirty: boolean | null };
    readonly node: string;
    readonly highs: string | null;
    /** libClp's version, present only when CLP solved the LPs. */
    readonly clp?: string;
    readonly commandOptions: Readonly<Record<string, unknown>>;
  };
  readonly seed: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly period: { readonly start: string; readonly end: string; readonly simulationEnd: string };
  /** Every KPI but the wall-clock timings (those are in timings.json). */
  readonly kpis: RunKpis;
  readonly sessions: { readonly replayed: number; readonly excluded: readonly { readonly reason: string; readonly count: number; readonly chargerIds: readonly string[] }[]; readonly autoCreatedChargers: readonly string[] };
  readonly billing: ReplayResult['billing'];
  /** Decisions: count, per plan status, the first solver messages, and per way a plan was made otherwise (`Decision.planMade`). */
  readonly decisions: { readonly count: number; readonly statusCounts: Readonly<Record<string, number>>; readonly messages: readonly string[]; readonly planMadeCounts: Readonly<Record<string, number>> };
  /** How the run was made, in one line (run-label.ts). */
  readonly howMade: string;
  readonly offlinePlan?: Omit<NonNullable<ReplayResult['offlinePlan']>, 'elapsedMs'>;
  readonly notes: readonly string[];
  /** With a three-phase network: per group, breaker line and transformer line, its peak current (A). */
  readonly network?: RunNetwork;
}

function excludedSummary(result: ReplayResult): RunRecord['sessions']['excluded'] {
  const by = new Map<string, { count: number; chargerIds: Set<string> }>();
  for (const e of result.excluded) {
    const x = by.get(e.reason) ?? { count: 0, chargerIds: new Set<string>() };
    x.count++;
    x.chargerIds.add(e.chargerId);
    by.set(e.reason, x);
  }
  return [...by.entries()].map(([reason, x]) => ({ reason, count: x.count, chargerIds: [...x.chargerIds].sort() }));
}

function runKpis(k: Kpis): RunKpis {
  return Object.fromEntries(Object.entries(k).map(([key, value]) => [key, value ?? null])) as unknown as RunKpis;
}

function runNetwork(result: ReplayResult, zone: string): RunNetwork | undefined {
  const loading = scenarioNetworkLoading(result);
  if (!loading) return undefined;
  return {
    elements: loading.elements.map((e) => ({
      name: e.name,
      limitA: e.limitA ?? null,
      peakA: e.peakA,
      peakAt: formatInstant(result.slots.startUtcMs[e.peakSlot] ?? result.periodStartUtcMs, zone),
      peakLoadingPct: e.peakLoadingPct ?? null,
      slotsOverLimit: e.slotsOverLimit,
    })),
    meanSecondaryUnbalancePct: loading.meanSecondaryUnbalancePct ?? null,
    maxSecondaryUnbalancePct: loading.maxSecondaryUnbalancePct ?? null,
    meanPrimaryUnbalancePct: loading.meanPrimaryUnbalancePct ?? null,
  };
}

/** The run.json object. `offline` (the offline run of the same inputs) gives the gap KPI. */
export function runRecord(inputs: ReplayInputs, result: ReplayResult, meta: RunMetadata, dataFiles: readonly DataFileProvenance[], offline?: ReplayResult): RunRecord {
  const zone = inputs.site.zone;
  const lp = policyNeedsSolver(result.policy);
  const policy = inputs.scenario.policy;
  const { elapsedMs: _timing, ...offlinePlan } = result.offlinePlan ?? { elapsedMs: 0 };
  return {
    policy: result.policy,
    scenario: { name: inputs.scenario.name, description: inputs.scenario.description, hash: scenarioHash(inputs.scenario), dataFiles },
    gitCommit: meta.gitCommit,
    solver: !lp
      ? { name: `baseline:${result.policy}`, version: 'n/a' }
      : meta.clpVersion !== undefined
        ? { name: 'clp', version: `${meta.clpVersion} (MILPs: highs ${meta.highsVersion ?? 'unknown'})` }
        : { name: 'highs', version: meta.highsVersion ?? 'unknown' },
    provenance: {
      git: { commit: meta.gitCommit.replace(/-dirty$/, ''), dirty: meta.gitDirty ?? (meta.gitCommit.endsWith('-dirty') ? true : null) },
      node: meta.nodeVersion ?? 'unknown',
      highs: meta.highsVersion ?? null,
      ...(meta.clpVersion !== undefined ? { clp: meta.clpVersion } : {}),
      commandOptions: meta.commandOptions ?? {},
    },
    seed: inputs.seed,
    options: {
      slotMinutes: inputs.slotMinutes,
      horizonHours: inputs.horizonHours,
      departureKnowledge: inputs.controller.departure,
      departureMarginMinutes: inputs.controller.departure === 'declared' ? (inputs.controller.departureMarginMinutes ?? 0) : null,
      arrivals: inputs.controller.arrivals,
      priceVisibility: inputs.priceVisibility,
      energyDemand: inputs.assumptions.energyDemand,
      integerStrategy: policy.integerStrategy ?? 'repair',
      timeLimitMs: policy.timeLimitMs ?? null,
      offlineTimeLimitMs: policy.offlineTimeLimitMs ?? offlineTimeLimitMs,
      offlineWorkLimit: offlineWorkLimitOf(policy),
      offlineIntegerStrategy: policy.offlineIntegerStrategy ?? 'auto',
      physics: inputs.physics,
      assumptions: inputs.scenario.assumptions,
    },
    period: {
      start: formatInstant(inputs.periodStartUtcMs, zone),
      end: formatInstant(inputs.periodEndUtcMs, zone),
      simulationEnd: formatInstant(inputs.simulationEndUtcMs, zone),
    },
    kpis: withoutTimings(runKpis(computeKpis(result, offline))),
    sessions: { replayed: result.sessions.length, excluded: excludedSummary(result), autoCreatedChargers: inputs.autoCreatedChargers },
    billing: result.billing,
    decisions: { count: result.decisions.count, statusCounts: result.decisions.statusCounts, messages: result.decisions.messages, planMadeCounts: result.decisions.planMadeCounts },
    howMade: howRunWasMade(result),
    ...(result.offlinePlan ? { offlinePlan: offlinePlan as Omit<NonNullable<ReplayResult['offlinePlan']>, 'elapsedMs'> } : {}),
    notes: result.notes,
    ...(result.network ? { network: runNetwork(result, zone)! } : {}),
  };
}
