/**
 * report.html: one self-contained page per run. Chart.js (its UMD build, passed in as text by the caller)
 * and the data are inlined, so the page needs no network. Four charts - price; site import against its
 * limit; the fleet's power per charger, stacked, discharge below zero; each session's energy against its
 * target - and the KPI table; with a three-phase network a fifth chart (the transformer's secondary line
 * currents against their limit, and their NEMA unbalance) and a table of every network element's peak.
 * When every chart is drawn the page sets `data-charts-ready` on <body> to the number of charts (the report
 * test waits for it).
 */
import { formatInstant } from '../grid/instant.ts';
import { computeKpis, scenarioNetworkLoading } from './kpis.ts';
import { resultKpiColumns, formatKpi } from './kpi-table.ts';
import { reportData } from './report-data.ts';
import { howRunWasMade } from './run-label.ts';
import type { ReplayResult } from './replay-result.ts';

/** What the report needs besides the result. */
export interface ReportOptions {
  /** Text of chart.js/dist/chart.umd.min.js. */
  readonly chartJsSource: string;
  /** The offline run of the same inputs, for the gap KPI. */
  readonly offline?: ReplayResult;
  /** Extra facts shown under the title (scenario hash, git commit, solver). */
  readonly facts?: readonly [string, string][];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
/** Script text safe inside a <script> element. */
const scriptText = (source: string) => source.replace(/<\/script/gi, '<\\/script');

/** The drawing code, run in the page. */
const drawScript = `
(function () {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.elements.point.radius = 0;
  const ticks = { maxTicksLimit: 14, autoSkip: true, maxRotation: 0 };
  const charts = [];
  const line = (label, values, color, extra) => Object.assign({ label, data: values, borderColor: color, backgroundColor: color, borderWidth: 1.5, stepped: true }, extra || {});
  charts.push(new Chart(document.getElementById('chart-price'), {
    type: 'line',
    data: { labels: data.labels, datasets: [
      line('import price', data.prices.importPerKwh, '#c0392b'),
      line('export price', data.prices.exportPerKwh, '#2980b9'),
      line('market price', data.prices.marketPerKwh, '#7f8c8d', { borderDash: [4, 3] }),
    ] },
    options: { scales: { x: { ticks }, y: { title: { display: true, text: data.currency + ' per kWh' } } } },
  }));
  charts.push(new Chart(document.getElementById('chart-site'), {
    type: 'line',
    data: { labels: data.labels, datasets: [
      line('site import', data.site.importKw, '#c0392b', { fill: 'origin', backgroundColor: 'rgba(192,57,43,0.15)' }),
      line('site export (below zero)', data.site.exportKw, '#27ae60', { fill: 'origin', backgroundColor: 'rgba(39,174,96,0.15)' }),
      line('base load', data.site.baseLoadKw, '#7f8c8d'),
      line('PV', data.site.pvKw, '#f1c40f'),
      line('import limit', data.site.importLimitKw, '#000000', { borderDash: [6, 4], borderWidth: 2 }),
    ] },
    options: { scales: { x: { ticks }, y: { title: { display: true, text: 'kW' } } } },
  }));
  const fleet = data.fleet.length > 0 ? data.fleet : [{ label: 'no charging', powerKw: data.labels.map(() => 0) }];
  charts.push(new Chart(document.getElementById('chart-fleet'), {
    type: 'bar',
    data: { labels: data.labels, datasets: fleet.map((c, i) => ({
      label: c.label, data: c.powerKw, backgroundColor: 'hsl(' + ((i * 47) % 360) + ', 60%, 55%)', barPercentage: 1, categoryPercentage: 1, borderWidth: 0,
    })) },
    options: { plugins: { legend: { display: true } }, scales: { x: { stacked: true, ticks }, y: { stacked: true, title: { display: true, text: 'kW (discharge below zero)' } } } },
  }));
  charts.push(new Chart(document.getElementById('chart-sessions'), {
    type: 'bar',
    data: { labels: data.sessions.ids, datasets: [
      { label: 'requested (kWh into the battery)', data: data.sessions.requestedKwh, backgroundColor: '#bdc3c7' },
      { label: 'delivered (kWh)', data: data.sessions.deliveredKwh, backgroundColor: '#2980b9' },
      { label: 'discharged (kWh, grid side)', data: data.sessions.dischargedKwh, backgroundColor: '#27ae60' },
    ] },
    options: { scales: { x: { ticks: { display: data.sessions.ids.length <= 60, autoSkip: true } }, y: { title: { display: true, text: 'kWh' } } } },
  }));
  if (data.network) {
    const colors = ['#c0392b', '#2c3e50', '#2980b9'];
    charts.push(new Chart(document.getElementById('chart-network'), {
      type: 'line',
      data: { labels: data.labels, datasets: [
        ...data.network.lines.map((l, i) => line('secondary ' + l.label + ' (A)', l.amps, colors[i % 3])),
        ...(data.network.limitA === null ? [] : [line('line limit (A)', data.labels.map(() => data.network.limitA), '#000000', { borderDash: [6, 4], borderWidth: 2 })]),
        line('NEMA unbalance (%)', data.network.unbalancePct, '#8e44ad', { yAxisID: 'pct', borderDash: [2, 2] }),
      ] },
      options: { scales: { x: { ticks }, y: { title: { display: true, text: 'A' } }, pct: { position: 'right', min: 0, title: { display: true, text: 'unbalance %' }, grid: { drawOnChartArea: false } } } },
    }));
  }
  window.v2gCharts = charts;
  document.body.dataset.chartsReady = String(charts.length);
})();
`;

/** The complete report page. */
export function reportHtml(result: ReplayResult, options: ReportOptions): string {
  const kpis = computeKpis(result, options.offline);
  const title = `${result.scenarioName}: ${result.policy}`;
  const facts: [string, string][] = [
    ['period', `${formatInstant(result.periodStartUtcMs, result.zone)} to ${formatInstant(result.periodEndUtcMs, result.zone)} (replayed until ${formatInstant(result.simulationEndUtcMs, result.zone)})`],
    ['slots', `${result.slots.startUtcMs.length} of ${result.slotMinutes} min`],
    ['seed', String(result.seed)],
    ['sessions', `${result.sessions.length} replayed, ${result.excluded.length} excluded`],
    ['how made', howRunWasMade(result)],
    ...(options.offline && options.offline !== result && options.offline.offlinePlan ? [['reference', options.offline.offlinePlan.label] as [string, string]] : []),
    ...(options.facts ?? []),
  ];
  const unit = (u: string) => (u === 'money' ? result.currency : u === 'count' ? '' : u);
  const kpiRows = resultKpiColumns
    .map((c) => `<tr><th>${escapeHtml(c.label)}</th><td>${formatKpi(kpis[c.key], c.digits)}</td><td>${escapeHtml(unit(c.unit))}</td><td><code>${c.key}</code></td></tr>`)
    .join('\n');
  const notes = result.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  const loading = scenarioNetworkLoading(result);
  const num = (x: number | undefined, d: number) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
  const networkSection = loading
    ? `<h2>Three-phase network: transformer secondary line currents</h2><div class="chart"><canvas id="chart-network"></canvas></div>
<h2>Network elements: peak current against limit</h2>
<table id="network"><thead><tr><th>element</th><th>peak (A)</th><th>limit (A)</th><th>peak / limit (%)</th><th>slots over limit</th></tr></thead><tbody>
${loading.elements.map((e) => `<tr><th>${escapeHtml(e.name)}</th><td>${num(e.peakA, 1)}</td><td>${num(e.limitA, 1)}</td><td>${num(e.peakLoadingPct, 1)}</td><td>${e.slotsOverLimit}</td></tr>`).join('\n')}
</tbody></table>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.chart { position: relative; height: 320px; width: 100%; }
table { border-collapse: collapse; } th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }
td:nth-child(2) { text-align: right; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; } dt { font-weight: 600; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
${notes ? `<ul>${notes}</ul>` : ''}
<h2>Price</h2><div class="chart"><canvas id="chart-price"></canvas></div>
<h2>Site load against its limit</h2><div class="chart"><canvas id="chart-site"></canvas></div>
<h2>Fleet power per charger (discharge below zero)</h2><div class="chart"><canvas id="chart-fleet"></canvas></div>
<h2>Energy per session against its target</h2><div class="chart"><canvas id="chart-sessions"></canvas></div>
${networkSection}
<h2>KPIs</h2>
<table id="kpis"><thead><tr><th>KPI</th><th>value</th><th>unit</th><th>name</th></tr></thead><tbody>
${kpiRows}
</tbody></table>
<script id="report-data" type="application/json">${scriptJson(reportData(result))}</script>
<script>${scriptText(options.chartJsSource)}</script>
<script>${drawScript}</script>
</body>
</html>
`;
}
