/**
 * M&V on a replayed day where the metered values are known: the generated demo depot replayed under the
 * uncontrolled baseline (the plan in force before the dispatch) and under ALAP (the plan made with an
 * "import-reduction" dispatch, and what the site then did). The meter readings are made from the replay's
 * own per-slot powers, so every delivered number is known; they arrive out of order, duplicated, with a
 * charger the site does not list, and with a hole in the site meter that the chargers' registers cover,
 * then one that nothing covers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { measureDelivery, type PlannedSlot } from '../../../grid/delivery/measured-delivery.ts';
import type { MeterRegisterSample } from '../../../grid/delivery/meter-samples.ts';
import type { SignalSeries } from '../../../grid/signal-series.ts';
import { runReplay } from '../../../scenarios/replay-engine.ts';
import type { ReplayResult } from '../../../scenarios/replay-result.ts';
import { demoInputs } from '../../scenarios/scenario-test-helpers.ts';

let baseline: ReplayResult;
let actual: ReplayResult;
const net = (r: ReplayResult, k: number) => r.slots.importKw[k]! - r.slots.exportKw[k]!;
const siteLoad = (r: ReplayResult, k: number) => r.slots.baseLoadKw[k]! - r.slots.pvKw[k]! + r.slots.pvCurtailedKw[k]!;

beforeAll(() => {
  const inputs = demoInputs();
  baseline = runReplay(inputs, 'uncontrolled', { clock: () => 0 });
  actual = runReplay(inputs, 'alap', { clock: () => 0 });
});

/** Registers integrated from the replay's charger powers, sampled every 5 min (import and export apart). */
function registerSamples(r: ReplayResult): MeterRegisterSample[] {
  const slotMs = r.slotMinutes * 60_000;
  const out: MeterRegisterSample[] = [];
  for (const c of r.chargerPowerKw) {
    let importWh = 1_000_000;
    let exportWh = 0;
    c.powerKw.forEach((p, k) => {
      const start = r.slots.startUtcMs[k]!;
      for (let m = 0; m < slotMs; m += 5 * 60_000) {
        out.push({ meterId: c.chargerId, atUtcMs: start + m, importWh, exportWh });
        importWh += Math.max(0, p) * 1000 * (5 / 60);
        exportWh += Math.max(0, -p) * 1000 * (5 / 60);
      }
    });
    out.push({ meterId: c.chargerId, atUtcMs: r.slots.startUtcMs[c.powerKw.length - 1]! + slotMs, importWh, exportWh });
  }
  return out;
}

/** A deterministic shuffle (the order chargers' messages arrive in is not the order they were read). */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 17;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('M&V on a replayed day', () => {
  it('delivered is what was metered: site meter, chargers across its hole, and a named gap', () => {
    const slotMs = actual.slotMinutes * 60_000;
    const T = actual.slots.startUtcMs.length;
    // A window of 8 slots where the two policies differ and a charger is in use in its 4th slot.
    const first = actual.slots.startUtcMs.findIndex((_, k) => k + 8 <= T && Math.abs(net(baseline, k) - net(actual, k)) > 1 && actual.chargerPowerKw.some((c) => c.powerKw[k + 3] !== 0));
    expect(first).toBeGreaterThanOrEqual(0);
    const window = Array.from({ length: 8 }, (_, i) => first + i);
    const startUtcMs = actual.slots.startUtcMs[first]!;
    const chargerIds = actual.chargerPowerKw.map((c) => c.chargerId);
    const slots: PlannedSlot[] = window.map((k) => ({
      startUtcMs: actual.slots.startUtcMs[k]!,
      endUtcMs: actual.slots.startUtcMs[k]! + slotMs,
      baselineNetKw: net(baseline, k),
      plannedNetKw: net(actual, k),
      plannedChargerKw: Object.fromEntries(actual.chargerPowerKw.map((c) => [c.chargerId, c.powerKw[k]!])),
      plannedSiteLoadKw: siteLoad(actual, k),
    }));
    // The site meter misses slots 2 and 3 of the window.
    const siteMeter: SignalSeries = {
      unit: 'kW',
      intervals: window.filter((_, i) => i !== 2 && i !== 3).map((k) => ({ startUtcMs: actual.slots.startUtcMs[k]!, endUtcMs: actual.slots.startUtcMs[k]! + slotMs, value: net(actual, k) })),
    };
    // Registers: all of them, shuffled, 50 repeated, one unknown charger; a used charger is silent during slot 3.
    const all = registerSamples(actual);
    const silent = actual.chargerPowerKw.find((c) => c.powerKw[window[3]!] !== 0)!.chargerId;
    const slot3 = [actual.slots.startUtcMs[window[3]!]! - 30 * 60_000, actual.slots.startUtcMs[window[3]!]! + slotMs + 30 * 60_000];
    const kept = all.filter((s) => !(s.meterId === silent && s.atUtcMs > slot3[0]! && s.atUtcMs < slot3[1]!));
    const samples = shuffled([...kept, ...kept.slice(0, 50), { meterId: 'cp-unknown', atUtcMs: startUtcMs, importWh: 5 }]);
    const request = { kind: 'import-reduction' as const, powerKw: 5, startUtcMs, endUtcMs: startUtcMs + 8 * slotMs };
    const report = measureDelivery({ request, slots, siteMeter, chargerSamples: samples, chargerIds, nowUtcMs: startUtcMs + 100 * slotMs });

    window.forEach((k, i) => {
      const s = report.slots[i]!;
      if (i === 3) {
        expect(s.outcome).toBe('gap');
        expect(s.deliveredKw).toBeNull();
        expect(s.reason).toContain(silent);
        return;
      }
      expect(s.source).toBe(i === 2 ? 'charger-meters+planned-site-load' : 'site-meter');
      expect(s.deliveredKw!).toBeCloseTo(net(baseline, k) - net(actual, k), 2);
      expect(s.meteredNetKw!).toBeCloseTo(net(actual, k), 2);
      expect(s.shortfallKw!).toBeCloseTo(Math.max(0, 5 - (net(baseline, k) - net(actual, k))) > 0.1 ? 5 - (net(baseline, k) - net(actual, k)) : 0, 2);
      if (s.outcome === 'short') expect(s.reason).toMatch(/the plan could not meet it/);
    });
    expect(report.measurement).toBe('partial');
    expect(new Set(report.meterIssues.map((i) => i.kind))).toEqual(new Set(['duplicate', 'unknown-meter']));
    expect(report.meterIssues.find((i) => i.kind === 'unknown-meter')).toMatchObject({ meterId: 'cp-unknown', count: 1 });
    expect(report.meterIssues.filter((i) => i.kind === 'duplicate').reduce((n, i) => n + i.count, 0)).toBe(50);
  });
});
