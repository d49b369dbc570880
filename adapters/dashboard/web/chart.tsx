/**
 * A uPlot chart as a Preact component: created once, given new data with setData (no re-creation when only the
 * data changes), resized with its container. Times on the x axis are in the site's zone (`zonedDate`).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { offsetMinutes } from './format.ts';

export interface ChartProps {
  /** Options without width/height/tzDate (set here). */
  readonly options: Omit<uPlot.Options, 'width' | 'height'>;
  readonly data: uPlot.AlignedData;
  readonly zone: string;
  readonly height?: number;
  /** What the chart shows, for screen readers. */
  readonly label: string;
  readonly testId?: string;
  /** Re-create the chart when this changes (series added or removed). */
  readonly shapeKey?: string;
}

export function Chart({ options, data, zone, height = 260, label, testId, shapeKey }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const width = Math.max(280, el.clientWidth);
    // The time axis names the site's zone (every time on the page is in it).
    const axes = options.axes?.map((a, i) => (i === 0 ? { ...a, label: `time (${zone})` } : a));
    const u = new uPlot({ ...options, ...(axes ? { axes } : {}), series: options.series.map((s, i) => (i === 0 ? s : { points: { show: false }, ...s })), width, height, tzDate: (ts: number) => zonedDate(ts, zone) }, latest.current, el);
    plot.current = u;
    const observer = new ResizeObserver(() => {
      const w = Math.max(280, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Options are built per render; the chart is re-created only when its shape or zone changes.
  }, [zone, height, shapeKey]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div class="chart" ref={box} role="img" aria-label={label} data-testid={testId} />;
}

/**
 * What uPlot.tzDate does (a Date whose local fields read the wall clock of `zone` at `ts`, in seconds), without
 * its toLocaleString per call, which cost a quarter of a second per page load: the zone's offset is looked up
 * once per quarter-hour (format.ts).
 */
export function zonedDate(ts: number, zone: string): Date {
  const wallMs = ts * 1000 + offsetMinutes(ts * 1000, zone) * 60_000;
  return new Date(wallMs + new Date(wallMs).getTimezoneOffset() * 60_000);
}

/** Seconds since the epoch of RFC 3339 instants (uPlot's x values). */
export const seconds = (isos: readonly string[]) => isos.map((iso) => Date.parse(iso) / 1000);

export const stepped = uPlot.paths.stepped!({ align: 1 });
export const bars = uPlot.paths.bars!({ size: [0.9, 40], align: 1 });

/** Axis values with a unit. */
export const unitAxis = (unit: string, scale: string, side: 1 | 3 = 3): uPlot.Axis => ({
  scale,
  side,
  label: unit,
  size: 60,
  values: (_u, ticks) => ticks.map((t) => `${Number(t.toFixed(3))}`),
  ...(side === 1 ? { grid: { show: false } } : {}),
});

/** The x axis: 24-hour times (with the date at midnight) in the site's zone, which `Chart` passes uPlot as tzDate and names in the label. */
export const timeAxis: uPlot.Axis = {
  label: 'time (site zone)',
  space: 60,
  values: [
    // [tick spacing (s), format, new-day format, ...] as uPlot expects for time axes
    [3600 * 24, '{DD} {MMM}', null, null, null, null, null, null, 1],
    [3600, '{HH}:{mm}', '\n{DD} {MMM}', null, null, null, null, null, 1],
    [60, '{HH}:{mm}', '\n{DD} {MMM}', null, null, null, null, null, 1],
  ],
};
