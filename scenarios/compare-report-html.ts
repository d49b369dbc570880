/**
 * compare.html: one self-contained page for a comparison, every policy on the same charts (Chart.js inlined
 * as in report.html, no network): the site's import over time against its limit, the cumulative energy cost
 * and the cumulative energy charged (one line per policy), the net cost by part and the energy delivered
 * (one bar per policy), then the KPI table with how each row was made. The offline reference's label says
 * whether it is proven optimal. When every chart is drawn the page sets `data-charts-ready` on <body>.
 */
import { DateTime } from 'luxon';
import type { Comparison } from './compare-runs.ts';
import { formatKpi, resultKpiColumns } from './kpi-table.ts';

/** What the page needs besides the comparison. */
export interface CompareReportOptions {
  readonly chartJsSource: string;
  readonly title: string;
  /** Facts shown under the title (scenario, hash, git commit, solver). */
  readonly facts?: readonly [string, string][];
}

/** Up to 12 distinguishable colours (Tableau 10 and two more); the offline reference is always black. */
const palette = ['#000000', '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#17becf'];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const scriptText = (source: string) => source.replace(/<\/script/gi, '<\\/script');
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function cumulative(values: readonly number[], factor: number): number[] {
  let sum = 0;
  return values.map((v) => r3((sum += v * factor)));
}

/** The charts' data: per slot and per policy. */
export function compareReportData(comparison: Comparison) {
  const first = comparison.runs[0]!.result;
  const dt = first.slotMinutes / 60;
  return {
    currency: first.currency,
    labels: first.slots.startUtcMs.map((t) => DateTime.fromMillis(t, { zone: first.zone }).toFormat('ccc dd LLL HH:mm')),
    importLimitKw: first.slots.importLimitKw.map((x) => (Number.isFinite(x) ? r3(x) : null)),
    policies: comparison.runs.map((run, i) => {
      const s = run.result.slots;
      const row = comparison.rows[i]!;
      return {
        name: row.policy,
        color: palette[i % palette.length],
        importKw: s.importKw.map(r3),
        energyCost: cumulative(s.importKw.map((kw, k) => kw * s.importPricePerKwh[k]! - s.exportKw[k]! * s.exportPricePerKwh[k]!), dt),
        chargedKwh: cumulative(s.fleetChargeKw, dt),
        netCost: r3(row.kpis.netCost),
        demandCharge: r3(row.kpis.demandCharge),
        otherCost: r3(row.kpis.netCost - row.kpis.demandCharge),
        deliveredPct: r3(row.kpis.energyDeliveredPct),
      };
    }),
  };
}

const drawScript = `
(function () {
  const data = JSON.parse(document.getElementById('compare-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.elements.point.radius = 0;
  const ticks = { maxTicksLimit: 14, autoSkip: true, maxRotation: 0 };
  const charts = [];
  const lines = (key) => data.policies.map((p) => ({ label: p.name, data: p[key], borderColor: p.color, backgroundColor: p.color, borderWidth: 1.2 }));
  charts.push(new Chart(document.getElementById('chart-import'), {
    type: 'line',
    data: { labels: data.labels, datasets: [...lines('importKw').map((d) => Object.assign(d, { stepped: true })), { label: 'import limit', data: data.importLimitKw, borderColor: '#888888', borderDash: [6, 4], borderWidth: 2, stepped: true }] },
    options: { scales: { x: { ticks }, y: { title: { display: true, text: 'site import (kW)' } } } },
  }));
  charts.push(new Chart(document.getElementById('chart-cost'), {
    type: 'line',
    data: { labels: data.labels, datasets: lines('energyCost') },
    options: { scales: { x: { ticks }, y: { title: { display: true, text: 'cumulative energy cost - export revenue (' + data.currency + ')' } } } },
  }));
  charts.push(new Chart(document.getElementById('chart-charged'), {
    type: 'line',
    data: { labels: data.labels, datasets: lines('chargedKwh') },
    options: { scales: { x: { ticks }, y: { title: { display: true, text: 'cumulative energy charged (kWh, grid side)' } } } },
  }));
  const names = data.policies.map((p) => p.name);
  charts.push(new Chart(document.getElementById('chart-net'), {
    type: 'bar',
    data: { labels: names, datasets: [
      { label: 'demand charge', data: data.policies.map((p) => p.demandCharge), backgroundColor: '#e15759' },
      { label: 'energy, export and degradation', data: data.policies.map((p) => p.otherCost), backgroundColor: '#4e79a7' },
    ] },
    options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'net cost (' + data.currency + ')' } } } },
  }));
  charts.push(new Chart(document.getElementById('chart-delivered'), {
    type: 'bar',
    data: { labels: names, datasets: [{ label: 'delivered / requested (%)', data: data.policies.map((p) => p.deliveredPct), backgroundColor: data.policies.map((p) => p.color) }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { title: { display: true, text: 'delivered / requested (%)' } } } },
  }));
  window.v2gCharts = charts;
  document.body.dataset.chartsReady = String(charts.length);
})();
`;

/** The complete compare.html page. */
export function compareReportHtml(comparison: Comparison, options: CompareReportOptions): string {
  const currency = comparison.runs[0]!.result.currency;
  const unit = (u: string) => (u === 'money' ? currency : u === 'count' ? '' : u);
  const head = `<tr><th>policy</th>${resultKpiColumns.map((c) => `<th>${escapeHtml(c.label)}${unit(c.unit) ? ` (${escapeHtml(unit(c.unit))})` : ''}</th>`).join('')}<th>how made</th></tr>`;
  const body = comparison.rows
    .map((r) => `<tr><th>${escapeHtml(r.policy)}</th>${resultKpiColumns.map((c) => `<td>${formatKpi(r.kpis[c.key], c.digits)}</td>`).join('')}<td class="how">${escapeHtml(r.howMade ?? '')}</td></tr>`)
    .join('\n');
  const reference = comparison.runs[0]!.result.offlinePlan?.label ?? 'offline';
  const notes = comparison.runs[0]!.result.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(options.title)}: policies compared</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.chart { position: relative; height: 340px; width: 100%; }
.bars { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } .bars .chart { height: 300px; }
table { border-collapse: collapse; font-size: 0.85rem; } th, td { padding: 0.2rem 0.5rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td.how { text-align: left; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; } dt { font-weight: 600; }
.reference { font-weight: 600; }
</style>
</head>
<body>
<h1>${escapeHtml(options.title)}: policies compared</h1>
<dl>${(options.facts ?? []).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
<p class="reference" id="reference">Reference: ${escapeHtml(reference)}</p>
${notes ? `<ul>${notes}</ul>` : ''}
<h2>Site import against its limit</h2><div class="chart"><canvas id="chart-import"></canvas></div>
<h2>Cumulative energy cost</h2><div class="chart"><canvas id="chart-cost"></canvas></div>
<h2>Cumulative energy charged</h2><div class="chart"><canvas id="chart-charged"></canvas></div>
<h2>Net cost and energy delivered</h2>
<div class="bars"><div class="chart"><canvas id="chart-net"></canvas></div><div class="chart"><canvas id="chart-delivered"></canvas></div></div>
<h2>KPIs</h2>
<table id="kpis"><thead>${head}</thead><tbody>
${body}
</tbody></table>
<script id="compare-data" type="application/json">${scriptJson(compareReportData(comparison))}</script>
<script>${scriptText(options.chartJsSource)}</script>
<script>${drawScript}</script>
</body>
</html>
`;
}
