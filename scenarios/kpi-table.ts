/**
 * The KPI table: which KPIs are shown, with labels, units and precision, as plain text (terminal),
 * Markdown, CSV or HTML rows. One row per run (policy), the offline optimum first as the reference.
 */
import { stringify } from 'csv-stringify/sync';
import type { Kpis } from './kpis.ts';

/** A KPI column: the `Kpis` field, its label, unit and decimals. */
export interface KpiColumn {
  readonly key: keyof Kpis;
  readonly label: string;
  /** `money` = the site currency. */
  readonly unit: string;
  readonly digits: number;
  /** A wall-clock timing: shown on the terminal and written to the timings files, never into result files (so those are byte-identical across identical runs). */
  readonly timing?: true;
}

/** Every KPI column, in table order (the files and the report show all of them). */
export const kpiColumns: readonly KpiColumn[] = [
  { key: 'netCost', label: 'net cost', unit: 'money', digits: 2 },
  { key: 'energyCost', label: 'energy cost', unit: 'money', digits: 2 },
  { key: 'exportRevenue', label: 'export revenue', unit: 'money', digits: 2 },
  { key: 'demandCharge', label: 'demand charge', unit: 'money', digits: 2 },
  { key: 'degradationCost', label: 'degradation cost', unit: 'money', digits: 2 },
  { key: 'degradationThroughputKwh', label: 'throughput', unit: 'kWh', digits: 1 },
  { key: 'energyRequestedKwh', label: 'requested', unit: 'kWh', digits: 1 },
  { key: 'energyDeliveredKwh', label: 'delivered', unit: 'kWh', digits: 1 },
  { key: 'energyDeliveredPct', label: 'delivered/requested', unit: '%', digits: 2 },
  { key: 'sessionCount', label: 'sessions', unit: 'count', digits: 0 },
  { key: 'sessionsMet90Count', label: 'sessions >= 90 %', unit: 'count', digits: 0 },
  { key: 'sessionsMet90Pct', label: 'share of sessions >= 90 %', unit: '%', digits: 1 },
  { key: 'unmetKwhTotal', label: 'unmet', unit: 'kWh', digits: 2 },
  { key: 'unmetKwhPerSessionMin', label: 'unmet least session', unit: 'kWh', digits: 2 },
  { key: 'unmetKwhPerSessionMax', label: 'unmet worst session', unit: 'kWh', digits: 2 },
  { key: 'unmetKwhPerSessionStd', label: 'unmet spread (sd)', unit: 'kWh', digits: 2 },
  { key: 'satisfactionMinPct', label: 'min satisfaction', unit: '%', digits: 1 },
  { key: 'satisfactionStdPct', label: 'satisfaction spread (sd)', unit: '%', digits: 1 },
  { key: 'peakImportKw', label: 'peak import', unit: 'kW', digits: 1 },
  { key: 'peakExportKw', label: 'peak export', unit: 'kW', digits: 1 },
  { key: 'maxUtilisationPct', label: 'max utilisation', unit: '%', digits: 1 },
  { key: 'currentUnbalancePct', label: 'current unbalance (NEMA)', unit: '%', digits: 1 },
  { key: 'peakLineLoadingPct', label: 'peak line loading', unit: '%', digits: 1 },
  { key: 'networkViolationSlots', label: 'network violation slots', unit: 'count', digits: 0 },
  { key: 'dischargedKwh', label: 'discharged', unit: 'kWh', digits: 1 },
  { key: 'limitViolationKwh', label: 'limit violations', unit: 'kWh', digits: 3 },
  { key: 'limitViolationCount', label: 'violation slots', unit: 'count', digits: 0 },
  { key: 'reserveViolationCount', label: 'reserve breaches', unit: 'count', digits: 0 },
  { key: 'taperLimitedSlots', label: 'slots drawn below setpoint', unit: 'count', digits: 0 },
  { key: 'solveCount', label: 'solves', unit: 'count', digits: 0 },
  { key: 'solveTimeP50Ms', label: 'solve p50', unit: 'ms', digits: 1, timing: true },
  { key: 'solveTimeP95Ms', label: 'solve p95', unit: 'ms', digits: 1, timing: true },
  { key: 'solveTimeMaxMs', label: 'solve max', unit: 'ms', digits: 1, timing: true },
  { key: 'gapToOfflinePct', label: 'gap to offline', unit: '%', digits: 2 },
];

/** The columns of the result files (compare.csv / .md, run.json, report.html): every KPI but the timings. */
export const resultKpiColumns: readonly KpiColumn[] = kpiColumns.filter((c) => !c.timing);

/** The timing KPIs (timings.json / timings.csv and the terminal only). */
export const timingKpiKeys: readonly (keyof Kpis)[] = kpiColumns.filter((c) => c.timing).map((c) => c.key);

/** The KPIs without the timings (for result files). */
export function withoutTimings<T extends Partial<Record<keyof Kpis, unknown>>>(kpis: T): T {
  return Object.fromEntries(Object.entries(kpis).filter(([k]) => !timingKpiKeys.includes(k as keyof Kpis))) as T;
}

/** The columns printed on a terminal (the files carry all of `kpiColumns`). */
export const compactKpiKeys: readonly (keyof Kpis)[] = [
  'netCost', 'energyCost', 'exportRevenue', 'demandCharge', 'degradationCost', 'energyDeliveredPct', 'sessionsMet90Count', 'unmetKwhTotal',
  'peakImportKw', 'dischargedKwh', 'limitViolationKwh', 'solveCount', 'solveTimeP95Ms', 'gapToOfflinePct',
];

/** One row: a policy, its KPIs and how its plans were made (run-label.ts). */
export interface KpiRow {
  readonly policy: string;
  readonly kpis: Kpis;
  /** e.g. `356 decisions (feasible 356)`, or the offline reference's status and bound. */
  readonly howMade?: string;
}

/** A KPI value with `digits` decimals, `-` when absent (undefined, null) or not finite. */
export function formatKpi(value: number | null | undefined, digits: number): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function heading(c: KpiColumn, currency: string): string {
  const unit = c.unit === 'money' ? currency : c.unit === 'count' ? '' : c.unit;
  return unit ? `${c.label} (${unit})` : c.label;
}

function cells(rows: readonly KpiRow[], currency: string, columns: readonly KpiColumn[] = kpiColumns): string[][] {
  return [
    ['policy', ...columns.map((c) => heading(c, currency)), 'how made'],
    ...rows.map((r) => [r.policy, ...columns.map((c) => formatKpi(r.kpis[c.key], c.digits)), r.howMade ?? '']),
  ];
}

/** A fixed-width text table, policies as rows; `compact` keeps the columns of `compactKpiKeys`. */
export function kpiTableText(rows: readonly KpiRow[], currency: string, compact = false): string {
  const columns = compact ? kpiColumns.filter((c) => compactKpiKeys.includes(c.key)) : kpiColumns;
  const table = cells(rows, currency, columns);
  const widths = table[0]!.map((_, j) => Math.max(...table.map((r) => r[j]!.length)));
  const last = table[0]!.length - 1;
  return table.map((r) => r.map((x, j) => (j === 0 || j === last ? x.padEnd(j === last ? 0 : widths[j]!) : x.padStart(widths[j]!))).join('  ').trimEnd()).join('\n');
}

/** The KPI table in Markdown, timings left out (compare.md). */
export function kpiTableMarkdown(rows: readonly KpiRow[], currency: string): string {
  const table = cells(rows, currency, resultKpiColumns);
  const last = table[0]!.length - 1;
  const lines = table.map((r) => `| ${r.join(' | ')} |`);
  lines.splice(1, 0, `|${table[0]!.map((_, j) => (j === 0 || j === last ? '---' : '---:')).join('|')}|`);
  return lines.join('\n');
}

/** The KPI table as CSV, KPI names as headers, unrounded, timings left out unless `columns` says otherwise (compare.csv). */
export function kpiTableCsv(rows: readonly KpiRow[], columns: readonly KpiColumn[] = resultKpiColumns): string {
  return stringify([
    ['policy', ...columns.map((c) => c.key), 'howMade'],
    ...rows.map((r) => [r.policy, ...columns.map((c) => r.kpis[c.key] ?? ''), r.howMade ?? '']),
  ]);
}

/** The timing KPIs per run as CSV (timings.csv). */
export function timingTableCsv(rows: readonly KpiRow[]): string {
  const columns = kpiColumns.filter((c) => c.timing);
  return stringify([['policy', 'solveCount', ...columns.map((c) => c.key)], ...rows.map((r) => [r.policy, r.kpis.solveCount, ...columns.map((c) => r.kpis[c.key] ?? '')])]);
}

/** A short vertical summary of one run for the terminal (the KPIs of `computeKpis` or of run.json, whose absent gap is null). */
export function kpiSummaryText(kpis: { readonly [K in keyof Kpis]: Kpis[K] | null }, currency: string): string {
  const width = Math.max(...kpiColumns.map((c) => heading(c, currency).length));
  return kpiColumns.map((c) => `${heading(c, currency).padEnd(width)}  ${formatKpi(kpis[c.key], c.digits)}`).join('\n');
}
