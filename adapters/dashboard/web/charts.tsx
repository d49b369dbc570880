/** The site page's charts: price with the plan's slots, site load against its limit, flexibility, one vehicle. */
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { bars, Chart, seconds, stepped, timeAxis, unitAxis } from './chart.tsx';
import type { FlexSlot, SitePage, VehicleRow } from './types.ts';

const colors = {
  importPrice: '#1f4e9c',
  exportPrice: '#a8480f',
  charge: '#2e7d32',
  discharge: '#7b1fa2',
  base: '#7f8c8d',
  pv: '#d4a100',
  limit: '#c62828',
  net: '#111111',
  peak: '#e65100',
  soc: '#0b6e99',
};

/** x values: every slot start and the horizon end (so the last step is drawn). */
function slotTimes(page: SitePage): number[] {
  const slots = page.plan!.site.slots;
  return seconds([...slots.map((s) => s.start), slots[slots.length - 1]!.end]);
}

/** A per-slot series repeated at the end (the stepped line's last step). */
const closed = (values: readonly number[]) => [...values, values[values.length - 1] ?? 0];

export function PriceChart({ page }: { page: SitePage }) {
  const plan = page.plan!;
  const currency = plan.currency;
  const data = useMemo((): uPlot.AlignedData => {
    const s = plan.site.slots;
    const fleet = page.fleet!;
    return [
      slotTimes(page),
      closed(s.map((x) => x.importPricePerKwh)),
      closed(s.map((x) => x.exportPricePerKwh)),
      closed(fleet.chargeKw.map((c, t) => c - fleet.dischargeKw[t]!)),
    ];
  }, [page]);
  const options: Omit<uPlot.Options, 'width' | 'height'> = {
    title: `Prices (${currency}/kWh) and the plan's fleet power per slot (kW)`,
    scales: { x: { time: true }, price: {}, kw: {} },
    axes: [timeAxis, unitAxis(`${currency}/kWh`, 'price'), unitAxis('fleet kW', 'kw', 1)],
    series: [
      {},
      { label: `import price (${currency}/kWh)`, scale: 'price', stroke: colors.importPrice, width: 2, paths: stepped },
      { label: `export price (${currency}/kWh)`, scale: 'price', stroke: colors.exportPrice, width: 2, dash: [6, 4], paths: stepped },
      { label: 'planned fleet power (kW, + charge, - discharge)', scale: 'kw', stroke: colors.charge, fill: 'rgba(46,125,50,0.25)', paths: bars, points: { show: false } },
    ],
  };
  return <Chart options={options} data={data} zone={page.site.timeZone} label={`Import and export price per slot in ${currency} per kWh, with the planned fleet power per slot in kW`} testId="price-chart" />;
}

export function LoadChart({ page }: { page: SitePage }) {
  const plan = page.plan!;
  const peak = page.billingPeak?.peakImportKw ?? plan.site.peakImportKw;
  const data = useMemo((): uPlot.AlignedData => {
    const s = plan.site.slots;
    const fleet = page.fleet!;
    const pvUsed = s.map((x) => x.pvKw - x.pvCurtailedKw);
    return [
      slotTimes(page),
      closed(s.map((x, t) => x.baseLoadKw + fleet.chargeKw[t]!)),
      closed(s.map((x) => x.baseLoadKw)),
      closed(pvUsed.map((p, t) => -p - fleet.dischargeKw[t]!)),
      closed(pvUsed.map((p) => -p)),
      closed(s.map((x) => x.netKw)),
      closed(s.map((x) => x.importLimitKw)),
      closed(s.map((x) => -x.exportLimitKw)),
      closed(s.map(() => peak)),
    ];
  }, [page, peak]);
  const options: Omit<uPlot.Options, 'width' | 'height'> = {
    title: 'Site load against its limits (kW): base load and fleet charging above zero, PV and fleet discharge below',
    scales: { x: { time: true }, kw: {} },
    axes: [timeAxis, unitAxis('kW', 'kw')],
    series: [
      {},
      { label: 'fleet charging (kW, stacked on base load)', scale: 'kw', stroke: colors.charge, fill: 'rgba(46,125,50,0.45)', paths: stepped, points: { show: false } },
      { label: 'base load (kW)', scale: 'kw', stroke: colors.base, fill: 'rgba(127,140,141,0.6)', paths: stepped, points: { show: false } },
      { label: 'fleet discharge (kW, below PV)', scale: 'kw', stroke: colors.discharge, fill: 'rgba(123,31,162,0.4)', paths: stepped, points: { show: false } },
      { label: 'PV used (kW, below zero)', scale: 'kw', stroke: colors.pv, fill: 'rgba(212,161,0,0.5)', paths: stepped, points: { show: false } },
      { label: 'net import (kW)', scale: 'kw', stroke: colors.net, width: 2, paths: stepped },
      { label: 'import limit (kW)', scale: 'kw', stroke: colors.limit, width: 2, dash: [8, 4], paths: stepped },
      { label: 'export limit (kW, below zero)', scale: 'kw', stroke: colors.limit, width: 1, dash: [2, 4], paths: stepped },
      { label: `billing-period peak (kW)`, scale: 'kw', stroke: colors.peak, width: 2, dash: [12, 6] },
    ],
  };
  return <Chart options={options} data={data} zone={page.site.timeZone} height={300} label="Site load per slot in kW: base load and fleet charging stacked above zero, PV and fleet discharge below zero, net import, the import limit and the billing period's peak" testId="load-chart" />;
}

export function FlexibilityChart({ page, slots }: { page: SitePage; slots: readonly FlexSlot[] }) {
  const data = useMemo((): uPlot.AlignedData => {
    const times = seconds([...slots.map((s) => s.start), page.plan!.site.slots[slots.length - 1]?.end ?? slots[slots.length - 1]!.start]);
    return [times, closed(slots.map((s) => s.plannedNetKw + s.upKw)), closed(slots.map((s) => s.plannedNetKw)), closed(slots.map((s) => s.plannedNetKw - s.downKw))];
  }, [slots, page]);
  const options: Omit<uPlot.Options, 'width' | 'height'> = {
    title: 'Flexibility envelope (kW): how far the site could move from its plan, slot by slot',
    scales: { x: { time: true }, kw: {} },
    axes: [timeAxis, unitAxis('kW', 'kw')],
    series: [
      {},
      { label: 'most import (kW)', scale: 'kw', stroke: colors.charge, paths: stepped },
      { label: 'planned net import (kW)', scale: 'kw', stroke: colors.net, width: 2, paths: stepped },
      { label: 'least import (kW)', scale: 'kw', stroke: colors.discharge, paths: stepped },
    ],
    bands: [{ series: [1, 3], fill: 'rgba(11,110,153,0.12)' }],
  };
  return <Chart options={options} data={data} zone={page.site.timeZone} height={220} label="Flexibility envelope in kW: most and least import per slot around the planned net import" testId="flex-chart" />;
}

export function VehicleChart({ page, row }: { page: SitePage; row: VehicleRow }) {
  const data = useMemo((): uPlot.AlignedData => {
    const x = slotTimes(page);
    // The row's series cover its plug window (from `plugSlots.from`); outside it nothing is drawn.
    const from = row.plugSlots?.from ?? 0;
    const inWindow = (values: readonly number[], t: number) => (t >= from && t - from < values.length ? values[t - from]! : null);
    const power = x.slice(0, -1).map((_, t) => inWindow(row.powerKw, t));
    return [x, [...power, power[power.length - 1] ?? null] as number[], x.map((_, t) => inWindow(row.socPct, t)) as number[], x.map(() => row.targetSocPct ?? null) as number[]];
  }, [page, row]);
  const options: Omit<uPlot.Options, 'width' | 'height'> = {
    title: `${row.sessionId}: planned power (kW) and state of charge (%)`,
    scales: { x: { time: true }, kw: {}, pct: { range: [0, 100] } },
    axes: [timeAxis, unitAxis('kW', 'kw'), unitAxis('SoC %', 'pct', 1)],
    series: [
      {},
      { label: 'planned power (kW)', scale: 'kw', stroke: colors.charge, fill: 'rgba(46,125,50,0.3)', paths: stepped, points: { show: false } },
      { label: 'state of charge (%)', scale: 'pct', stroke: colors.soc, width: 2 },
      { label: 'target at departure (%)', scale: 'pct', stroke: colors.peak, dash: [6, 4] },
    ],
  };
  return <Chart options={options} data={data} zone={page.site.timeZone} height={220} shapeKey={row.sessionId} label={`Vehicle ${row.sessionId}: planned power in kW and state of charge in percent rising to its target at departure`} testId="vehicle-chart" />;
}
