/**
 * Generated hourly signals for the demo scenario, deterministic for a seed, shaped on the site's local
 * clock: a day-ahead-like price (night valley ~0.07, morning peak ~0.26, evening peak ~0.38 per kWh, +-10 %
 * noise per hour; on weekends 20 % lower) and a building load (mean `meanKw`, low at night, high in the
 * afternoon, +-10 % noise).
 */
import { DateTime } from 'luxon';
import { createSignalSeries, type SignalSeries } from '../grid/signal-series.ts';
import { randomStream } from './random.ts';
import { hourStarts } from './session-generator.ts';

const hourMs = 3_600_000;
/** Mean of the load's day shape over 24 h, so that the load's mean is `meanKw`. */
const dayShapeMean = 0.6 + (0.8 * 5 * Math.sqrt(Math.PI)) / 24;

/** Price per kWh at a local hour of day (0-24), before noise. */
export function generatedPriceShape(hourOfDay: number): number {
  const bump = (center: number, width: number) => Math.exp(-(((hourOfDay - center) / width) ** 2));
  return 0.07 + 0.19 * bump(8, 1.5) + 0.08 * bump(13, 3) + 0.31 * bump(19, 1.8);
}

function hourly(fromUtcMs: number, toUtcMs: number, zone: string, unit: string, value: (local: DateTime, noise: number) => number, seed: number, key: string): SignalSeries {
  const random = randomStream(seed, key);
  const intervals = hourStarts(fromUtcMs, toUtcMs).map((startUtcMs) => {
    const local = DateTime.fromMillis(startUtcMs, { zone });
    const noise = 0.9 + 0.2 * random();
    return { startUtcMs, endUtcMs: startUtcMs + hourMs, value: Math.round(value(local, noise) * 10_000) / 10_000 };
  });
  return createSignalSeries(unit, intervals, { what: `The generated ${key}` });
}

/** Generated market price in `<currency>/kWh` over whole hours covering [fromUtcMs, toUtcMs). */
export function generatedPrices(seed: number, zone: string, currency: string, fromUtcMs: number, toUtcMs: number): SignalSeries {
  return hourly(fromUtcMs, toUtcMs, zone, `${currency}/kWh`, (local, noise) => {
    const weekend = local.weekday >= 6 ? 0.8 : 1;
    return generatedPriceShape(local.hour + 0.5) * noise * weekend;
  }, seed, 'prices');
}

/** Generated building load in kW over whole hours covering [fromUtcMs, toUtcMs). */
export function generatedLoad(seed: number, zone: string, meanKw: number, fromUtcMs: number, toUtcMs: number): SignalSeries {
  return hourly(fromUtcMs, toUtcMs, zone, 'kW', (local, noise) => {
    const shape = 0.6 + 0.8 * Math.exp(-(((local.hour + 0.5 - 14) / 5) ** 2));
    return (meanKw * shape * noise) / dayShapeMean;
  }, seed, 'load');
}
