/**
 * sweep.html: one self-contained page for a sweep (Chart.js inlined, as in report-html.ts). Per metric and
 * scenario one chart: the metric's mean over seeds against the parameter, one line per policy, the spread
 * over seeds in the tooltip; then the whole table with how every row was made (solver, statuses, fallbacks,
 * bound, failed runs). When every chart is drawn the page sets `data-charts-ready` on <body> to their number.
 */
import { kpiColumns } from './kpi-table.ts';
import type { Kpis } from './kpis.ts';
import { sweepMetricKeys, type SweepRow } from './sweep-table.ts';

/** What the page shows besides the rows. */
export interface SweepReportOptions {
  readonly chartJsSource: string;
  readonly parameter: string;
  /** Unit of the parameter for the x axis (e.g. `kW`), or empty. */
  readonly parameterUnit: string;
  readonly currency: string;
  /** Facts under the title (scenarios, seeds, git commit, solver, wall time). */
  readonly facts: readonly [string, string][];
}

/** The metrics drawn, in order. */
export const sweepChartKeys: readonly (keyof Kpis)[] = ['energyDeliveredPct', 'peakImportKw', 'maxUtilisationPct', 'currentUnbalancePct', 'gapToOfflinePct', 'netCost'];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const scriptText = (source: string) => source.replace(/<\/script/gi, '<\\/script');

/** One chart: a metric on one scenario. */
interface ChartData {
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  readonly labels: string[];
  readonly series: { readonly policy: string; readonly mean: (number | null)[]; readonly sd: (number | null)[] }[];
}

/** The charts' data: one per metric that has a value somewhere, per scenario. */
export function sweepCharts(rows: readonly SweepRow[], options: Pick<SweepReportOptions, 'parameter' | 'parameterUnit' | 'currency'>): ChartData[] {
  const scenarios = [...new Set(rows.map((r) => r.scenarioName))];
  const charts: ChartData[] = [];
  for (const key of sweepChartKeys) {
    const col = kpiColumns.find((c) => c.key === key)!;
    const unit = col.unit === 'money' ? options.currency : col.unit;
    for (const scenario of scenarios) {
      const mine = rows.filter((r) => r.scenarioName === scenario);
      if (!mine.some((r) => r.metrics[key] !== undefined)) continue;
      const labels = [...new Set(mine.map((r) => String(r.value)))];
      const policies = [...new Set(mine.map((r) => r.policy))];
      charts.push({
        id: `chart-${charts.length}`,
        title: `${col.label} (${unit}): ${scenario}`,
        yLabel: `${col.label} (${unit})`,
        labels,
        series: policies.map((policy) => {
          const at = (label: string) => mine.find((r) => r.policy === policy && String(r.value) === label)?.metrics[key];
          return { policy, mean: labels.map((l) => at(l)?.mean ?? null), sd: labels.map((l) => at(l)?.sd ?? null) };
        }),
      });
    }
  }
  return charts;
}

const drawScript = `
(function () {
  const data = JSON.parse(document.getElementById('sweep-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  const colors = ['#c0392b', '#2980b9', '#27ae60', '#8e44ad', '#d35400', '#16a085', '#2c3e50', '#7f8c8d', '#f1c40f', '#e84393'];
  const charts = data.charts.map((c) => new Chart(document.getElementById(c.id), {
    type: 'line',
    data: { labels: c.labels, datasets: c.series.map((s, i) => ({
      label: s.policy, data: s.mean, sd: s.sd, borderColor: colors[i % colors.length], backgroundColor: colors[i % colors.length],
      borderWidth: 1.8, pointRadius: 2, spanGaps: true,
    })) },
    options: {
      plugins: { title: { display: true, text: c.title }, tooltip: { callbacks: { label: (ctx) => {
        const sd = ctx.dataset.sd[ctx.dataIndex];
        return ctx.dataset.label + ': ' + (ctx.parsed.y === null ? '-' : ctx.parsed.y.toFixed(2)) + (sd ? ' ± ' + sd.toFixed(2) : '');
      } } } },
      scales: { x: { title: { display: true, text: data.xLabel } }, y: { title: { display: true, text: c.yLabel } } },
    },
  }));
  window.v2gCharts = charts;
  document.body.dataset.chartsReady = String(charts.length);
})();
`;

/** The complete page. */
export function sweepReportHtml(rows: readonly SweepRow[], options: SweepReportOptions): string {
  const charts = sweepCharts(rows, options);
  const xLabel = options.parameterUnit ? `${options.parameter} (${options.parameterUnit})` : options.parameter;
  const facts = options.facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  const col = (k: keyof Kpis) => kpiColumns.find((c) => c.key === k)!;
  const head = ['scenario', escapeHtml(options.parameter), 'policy', 'seeds', ...sweepMetricKeys.map((k) => escapeHtml(col(k).label)), 'solver', 'statuses', 'fallback decisions', 'bound (offline plan)', 'failed runs'];
  const cell = (r: SweepRow, k: keyof Kpis) => {
    const s = r.metrics[k];
    const d = col(k).digits;
    return s === undefined ? '-' : s.n > 1 ? `${s.mean.toFixed(d)} ± ${s.sd.toFixed(d)}` : s.mean.toFixed(d);
  };
  const body = rows
    .map((r) => `<tr${r.fallbackDecisions > 0 || r.failures > 0 ? ' class="flag"' : ''}><td>${escapeHtml(r.scenarioName)}</td><td>${escapeHtml(String(r.value))}</td><td>${escapeHtml(r.policy)}</td><td>${r.seeds.length}</td>${sweepMetricKeys.map((k) => `<td>${cell(r, k)}</td>`).join('')}<td>${escapeHtml(r.solver)}</td><td>${escapeHtml(r.statuses)}</td><td>${r.fallbackDecisions}</td><td>${escapeHtml(r.bound)}</td><td>${r.failures}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sweep: ${escapeHtml(options.parameter)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 1rem; }
.chart { position: relative; height: 320px; }
table { border-collapse: collapse; font-size: 0.8rem; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.4rem; text-align: right; }
th { background: #f4f4f4; } td:nth-child(-n+3) { text-align: left; }
tr.flag td { background: #fdecea; }
</style></head>
<body>
<h1>Sweep over ${escapeHtml(options.parameter)}</h1>
<table id="facts">${facts}</table>
<p>Each point is the mean over the seeds of one policy's replay at one value (the spread is in the tooltip and the table).
Rows shaded red had fallback decisions (a plan with status timed_out or error) or failed runs.</p>
<div class="grid">
${charts.map((c) => `<div class="chart"><canvas id="${c.id}"></canvas></div>`).join('\n')}
</div>
<h2>Table (mean ± sample standard deviation over seeds)</h2>
<table id="sweep-table"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>
<script id="sweep-data" type="application/json">${scriptJson({ xLabel, charts })}</script>
<script>${scriptText(options.chartJsSource)}</script>
<script>${drawScript}</script>
</body></html>
`;
}
