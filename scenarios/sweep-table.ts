/**
 * A sweep's results: one record per run (what a worker measured and how the run was made), the gap of each run
 * to the offline run of the same scenario, value and seed, and the table: one row per scenario x value x policy
 * with the mean and spread (sample standard deviation) over seeds of each metric, as CSV and Markdown.
 */
import { stringify } from 'csv-stringify/sync';
import { kpiColumns } from './kpi-table.ts';
import type { Kpis } from './kpis.ts';
import type { WorkReport } from '../optimizer/work-limit.ts';
import type { PolicyName } from './policy-names.ts';
import type { SweepValue } from './sweep-plan.ts';

/** How a run was made: every row of the table says it. */
export interface SweepProvenance {
  /** `highs <version>` for `mpc` and `offline`; `none (baseline <name>)` for a baseline. */
  readonly solver: string;
  /** Decisions per plan status (`optimal`, `feasible`, `timed_out`, `error`). */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Decisions whose plan was a fallback (status `timed_out` or `error`): never hidden. */
  readonly fallbackDecisions: number;
  /** The first distinct solver messages (why a fallback happened). */
  readonly messages: readonly string[];
  /** For `offline`: the plan's own status and objective and net cost before the physics (the bound's source). */
  readonly offlinePlan?: {
    readonly status: string;
    readonly objective: number;
    readonly netCost: number;
    /** How the reference was made, with its bound and gap (`offlineReferenceLabel`), and whether its plan was reused from a higher capacity. */
    readonly label?: string;
    /** The solve's work budget, the work it spent and what stopped it (deterministic; null for a reused plan: no solve). */
    readonly work?: WorkReport | null;
  };
  /**
   * A rolling run of a `capacity` sweep (capacity-slack.ts): whether the capacity bound any decision, where
   * first, and - when its decisions were replayed from a lower capacity's run - that capacity.
   */
  readonly capacity?: {
    readonly checked: boolean;
    readonly bound: boolean;
    readonly firstBoundSlot?: number;
    readonly reason?: string;
    readonly reusedFromCapacity?: number;
  };
  readonly notes: readonly string[];
}

/** One finished run. `kpis.gapToOfflinePct` is filled in by `withOfflineGaps`. */
export interface SweepRun {
  readonly index: number;
  readonly scenarioName: string;
  readonly value: SweepValue;
  readonly seed: number;
  readonly policy: PolicyName;
  readonly kpis: Kpis;
  readonly provenance: SweepProvenance;
  /** Wall time of the run in its worker (ms). */
  readonly elapsedMs: number;
  /** CPU time of the run in its worker (ms; user + system of the process, when the runner measures it). */
  readonly cpuMs?: number;
}

/** A run that failed (input error, worker crash): listed, never dropped. */
export interface SweepFailure {
  readonly index: number;
  readonly scenarioName: string;
  readonly value: SweepValue;
  readonly seed: number;
  readonly policy: PolicyName;
  readonly error: { readonly code: string; readonly message: string };
}

/** The metrics of the table and the charts, in order. */
export const sweepMetricKeys: readonly (keyof Kpis)[] = [
  'energyDeliveredPct',
  'energyDeliveredKwh',
  'peakImportKw',
  'maxUtilisationPct',
  'currentUnbalancePct',
  'netCost',
  'gapToOfflinePct',
  'unmetKwhTotal',
  'limitViolationKwh',
  'networkViolationSlots',
  'peakLineLoadingPct',
  'solveCount',
];

const runKey = (r: { scenarioName: string; value: SweepValue; seed: number }) => `${r.scenarioName}\u0000${String(r.value)}\u0000${r.seed}`;

/** Each run's gap to the offline run of the same scenario, value and seed (undefined where there is none). */
export function withOfflineGaps(runs: readonly SweepRun[]): SweepRun[] {
  const offline = new Map(runs.filter((r) => r.policy === 'offline').map((r) => [runKey(r), r.kpis.netCost]));
  return runs.map((r) => {
    const ref = offline.get(runKey(r));
    const gap = ref !== undefined && Math.abs(ref) > 1e-9 ? ((r.kpis.netCost - ref) / Math.abs(ref)) * 100 : undefined;
    return { ...r, kpis: { ...r.kpis, gapToOfflinePct: gap } };
  });
}

/** Mean and sample standard deviation (0 for one value) of the defined values; undefined when none is. */
export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly n: number;
}

export function spread(values: readonly (number | undefined)[]): Spread | undefined {
  const xs = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (xs.length === 0) return undefined;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, n: xs.length };
}

/** One row of the table: a scenario, a value, a policy, over its seeds. */
export interface SweepRow {
  readonly scenarioName: string;
  readonly value: SweepValue;
  readonly policy: PolicyName;
  readonly seeds: readonly number[];
  readonly metrics: Readonly<Partial<Record<keyof Kpis, Spread>>>;
  readonly solver: string;
  /** Statuses summed over the seeds' decisions, e.g. `optimal 9012; feasible 1293`. */
  readonly statuses: string;
  readonly fallbackDecisions: number;
  /** For `offline`: its plans' statuses and objectives (the bound), else `-`. */
  readonly bound: string;
  readonly failures: number;
  /** Mean wall time of a run (s). */
  readonly meanRunSeconds: number;
  /** Mean CPU time of a run (s; undefined when not measured). */
  readonly meanCpuSeconds: number | undefined;
}

const mapDefined = (x: number | undefined, f: (x: number) => number) => (x === undefined ? undefined : f(x));

const statusText = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k} ${v}`)
    .join('; ') || 'none';

/** The table's rows in the order of `runs` (scenario, value, policy) after the gaps are filled in. */
export function sweepRows(runs: readonly SweepRun[], failures: readonly SweepFailure[] = []): SweepRow[] {
  const groups = new Map<string, SweepRun[]>();
  const failed = new Map<string, number>();
  const key = (r: { scenarioName: string; value: SweepValue; policy: string }) => `${r.scenarioName}\u0000${String(r.value)}\u0000${r.policy}`;
  const order: { scenarioName: string; value: SweepValue; policy: PolicyName; index: number }[] = [];
  for (const r of [...runs, ...failures]) {
    const k = key(r);
    if (!groups.has(k)) {
      groups.set(k, []);
      order.push(r);
    }
    if ('kpis' in r) groups.get(k)!.push(r);
    else failed.set(k, (failed.get(k) ?? 0) + 1);
  }
  order.sort((a, b) => a.index - b.index);
  return order.map((o) => {
    const group = groups.get(key(o))!;
    const metrics: Partial<Record<keyof Kpis, Spread>> = {};
    for (const m of sweepMetricKeys) {
      const s = spread(group.map((r) => r.kpis[m]));
      if (s) metrics[m] = s;
    }
    const counts: Record<string, number> = {};
    for (const r of group) for (const [k, v] of Object.entries(r.provenance.statusCounts)) counts[k] = (counts[k] ?? 0) + v;
    const bound = o.policy === 'offline'
      ? group.map((r) => (r.provenance.offlinePlan ? `seed ${r.seed}: ${r.provenance.offlinePlan.label ?? `${r.provenance.offlinePlan.status}, objective ${r.provenance.offlinePlan.objective.toFixed(2)}`}` : `seed ${r.seed}: -`)).join('; ')
      : '-';
    return {
      scenarioName: o.scenarioName,
      value: o.value,
      policy: o.policy,
      seeds: group.map((r) => r.seed).sort((a, b) => a - b),
      metrics,
      solver: [...new Set(group.map((r) => r.provenance.solver))].join(', ') || '-',
      statuses: statusText(counts),
      fallbackDecisions: group.reduce((a, r) => a + r.provenance.fallbackDecisions, 0),
      bound,
      failures: failed.get(key(o)) ?? 0,
      meanRunSeconds: group.length > 0 ? group.reduce((a, r) => a + r.elapsedMs, 0) / group.length / 1000 : 0,
      meanCpuSeconds: mapDefined(spread(group.map((r) => r.cpuMs))?.mean, (ms) => ms / 1000),
    };
  });
}

const column = (k: keyof Kpis) => kpiColumns.find((c) => c.key === k)!;
const fixed = (x: number | undefined, digits: number) => (x === undefined ? '' : x.toFixed(digits));

/** The table as CSV: identification, `<metric>_mean` and `<metric>_sd` per metric, then how the rows were made. */
export function sweepCsv(parameter: string, rows: readonly SweepRow[]): string {
  const header = ['scenario', parameter, 'policy', 'seeds', ...sweepMetricKeys.flatMap((k) => [`${k}_mean`, `${k}_sd`]), 'solver', 'statuses', 'fallback_decisions', 'bound', 'failed_runs', 'mean_run_s', 'mean_cpu_s'];
  const body = rows.map((r) => [
    r.scenarioName,
    String(r.value),
    r.policy,
    r.seeds.join(' '),
    ...sweepMetricKeys.flatMap((k) => [fixed(r.metrics[k]?.mean, column(k).digits + 2), fixed(r.metrics[k]?.sd, column(k).digits + 2)]),
    r.solver,
    r.statuses,
    String(r.fallbackDecisions),
    r.bound,
    String(r.failures),
    r.meanRunSeconds.toFixed(2),
    r.meanCpuSeconds === undefined ? '' : r.meanCpuSeconds.toFixed(2),
  ]);
  return stringify([header, ...body]);
}

/** Metrics of the Markdown table (the CSV has all of `sweepMetricKeys`). */
const markdownKeys: readonly (keyof Kpis)[] = ['energyDeliveredPct', 'peakImportKw', 'maxUtilisationPct', 'currentUnbalancePct', 'netCost', 'gapToOfflinePct'];

/** The table as Markdown: `mean ± sd` (sd only with more than one seed). */
export function sweepMarkdown(parameter: string, rows: readonly SweepRow[], currency: string): string {
  const unit = (k: keyof Kpis) => (column(k).unit === 'money' ? currency : column(k).unit);
  const head = ['scenario', parameter, 'policy', 'seeds', ...markdownKeys.map((k) => `${column(k).label} (${unit(k)})`), 'solver', 'statuses', 'fallbacks', 'failed'];
  const cell = (s: Spread | undefined, digits: number) => (s === undefined ? '-' : s.n > 1 ? `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}` : s.mean.toFixed(digits));
  const lines = rows.map((r) => [
    r.scenarioName,
    String(r.value),
    r.policy,
    String(r.seeds.length),
    ...markdownKeys.map((k) => cell(r.metrics[k], column(k).digits)),
    r.solver,
    r.statuses,
    String(r.fallbackDecisions),
    String(r.failures),
  ]);
  const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [row(head), row(head.map((_, i) => (i < 4 || i >= head.length - 4 ? '---' : '---:'))), ...lines.map(row)].join('\n');
}

/** Every run as CSV (one line per run: seed by seed, with its own provenance). */
export function sweepRunsCsv(parameter: string, runs: readonly SweepRun[], failures: readonly SweepFailure[]): string {
  const header = ['scenario', parameter, 'policy', 'seed', ...sweepMetricKeys, 'solver', 'statuses', 'fallback_decisions', 'offline_plan', 'elapsed_s', 'cpu_s', 'error'];
  const lines = [...runs, ...failures]
    .sort((a, b) => a.index - b.index)
    .map((r) => [
      r.scenarioName,
      String(r.value),
      r.policy,
      String(r.seed),
      ...sweepMetricKeys.map((k) => ('kpis' in r ? fixed(r.kpis[k], column(k).digits + 2) : '')),
      'kpis' in r ? r.provenance.solver : '',
      'kpis' in r ? statusText({ ...r.provenance.statusCounts }) : '',
      'kpis' in r ? String(r.provenance.fallbackDecisions) : '',
      'kpis' in r && r.provenance.offlinePlan ? (r.provenance.offlinePlan.label ?? `${r.provenance.offlinePlan.status} objective ${r.provenance.offlinePlan.objective.toFixed(2)}`) : '',
      'kpis' in r ? (r.elapsedMs / 1000).toFixed(2) : '',
      'kpis' in r && r.cpuMs !== undefined ? (r.cpuMs / 1000).toFixed(2) : '',
      'error' in r ? `${r.error.code}: ${r.error.message}` : '',
    ]);
  return stringify([header, ...lines]);
}

