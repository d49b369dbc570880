/**
 * run.json: what was run (policy, scenario and its hash, git commit, solver and version, seed, options)
 * and what came out (the KPIs by name, billing, decisions, notes). The caller supplies what only the edge
 * knows (git commit, solver version, the instant the run started).
 */
import { formatInstant } from '../grid/instant.ts';
import { computeKpis, scenarioNetworkLoading, type Kpis } from './kpis.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import type { ReplayResult } from './replay-result.ts';
import { scenarioHash } from './scenario-hash.ts';

/** Facts from outside the replay. */
export interface RunMetadata {
  /** `git rev-parse HEAD` (with `-dirty` when the tree has changes), or `unknown`. */
  readonly gitCommit: string;
  /** HiGHS version string when an LP backend was used. */
  readonly highsVersion?: string;
  /** When the run started (RFC 3339), by the caller's clock. */
  readonly startedAt: string;
  /** Wall time of the whole replay (ms), by the caller's clock. */
  readonly elapsedMs: number;
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

/** The content of run.json. */
export interface RunRecord {
  readonly policy: string;
  readonly scenario: { readonly name: string; readonly description: string; readonly hash: string; readonly dataFiles: readonly string[] };
  readonly gitCommit: string;
  readonly solver: { readonly name: string; readonly version: string };
  readonly seed: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly period: { readonly start: string; readonly end: string; readonly simulationEnd: string };
  readonly startedAt: string;
  readonly elapsedMs: number;
  readonly kpis: RunKpis;
  readonly sessions: { readonly replayed: number; readonly excluded: readonly { readonly reason: string; readonly count: number; readonly chargerIds: readonly string[] }[]; readonly autoCreatedChargers: readonly string[] };
  readonly billing: ReplayResult['billing'];
  readonly decisions: { readonly count: number; readonly statusCounts: Readonly<Record<string, number>>; readonly messages: readonly string[] };
  readonly offlinePlan?: ReplayResult['offlinePlan'];
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
export function runRecord(inputs: ReplayInputs, result: ReplayResult, meta: RunMetadata, dataFiles: readonly string[], offline?: ReplayResult): RunRecord {
  const zone = inputs.site.zone;
  const lp = result.policy === 'mpc' || result.policy === 'mpc-events' || result.policy === 'offline';
  const policy = inputs.scenario.policy;
  return {
    policy: result.policy,
    scenario: { name: inputs.scenario.name, description: inputs.scenario.description, hash: scenarioHash(inputs.scenario), dataFiles },
    gitCommit: meta.gitCommit,
    solver: lp ? { name: 'highs', version: meta.highsVersion ?? 'unknown' } : { name: `baseline:${result.policy}`, version: 'n/a' },
    seed: inputs.seed,
    options: {
      slotMinutes: inputs.slotMinutes,
      horizonHours: inputs.horizonHours,
      departureKnowledge: inputs.controller.departure,
      arrivals: inputs.controller.arrivals,
      priceVisibility: inputs.priceVisibility,
      energyDemand: inputs.assumptions.energyDemand,
      integerStrategy: policy.integerStrategy ?? 'repair',
      timeLimitMs: policy.timeLimitMs ?? null,
      physics: inputs.physics,
    },
    period: {
      start: formatInstant(inputs.periodStartUtcMs, zone),
      end: formatInstant(inputs.periodEndUtcMs, zone),
      simulationEnd: formatInstant(inputs.simulationEndUtcMs, zone),
    },
    startedAt: meta.startedAt,
    elapsedMs: meta.elapsedMs,
    kpis: runKpis(computeKpis(result, offline)),
    sessions: { replayed: result.sessions.length, excluded: excludedSummary(result), autoCreatedChargers: inputs.autoCreatedChargers },
    billing: result.billing,
    decisions: { count: result.decisions.count, statusCounts: result.decisions.statusCounts, messages: result.decisions.messages },
    ...(result.offlinePlan ? { offlinePlan: result.offlinePlan } : {}),
    notes: result.notes,
    ...(result.network ? { network: runNetwork(result, zone)! } : {}),
  };
}
