import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanMeterSamples, meteredKwh, type MeterRegisterSample } from '../../../grid/delivery/meter-samples.ts';

const s = (meterId: string, atMin: number, importWh: number, exportWh?: number): MeterRegisterSample => ({ meterId, atUtcMs: atMin * 60_000, importWh, ...(exportWh !== undefined ? { exportWh } : {}) });
const known = new Set(['cp-1', 'cp-2']);

describe('charger registers cleaned for M&V', () => {
  it('out of order is sorted; exact repeats dropped and counted; a differing repeat keeps the first and is named', () => {
    const r = cleanMeterSamples([s('cp-1', 10, 200), s('cp-1', 0, 0), s('cp-1', 10, 200), s('cp-1', 5, 100), s('cp-1', 5, 999)], known);
    expect(r.meters.get('cp-1')!.runs).toEqual([[s('cp-1', 0, 0), s('cp-1', 5, 100), s('cp-1', 10, 200)]]);
    expect(r.issues.map((i) => [i.kind, i.count])).toEqual([
      ['conflicting-duplicate', 1],
      ['duplicate', 1],
    ]);
  });

  it('an unknown meter and an invalid sample are named and not used', () => {
    const r = cleanMeterSamples([s('cp-9', 3, 1), s('cp-9', 1, 1), s('cp-1', 0, Number.NaN)], known);
    expect(r.meters.size).toBe(0);
    expect(r.issues).toEqual([
      expect.objectContaining({ kind: 'invalid-sample', meterId: 'cp-1' }),
      expect.objectContaining({ kind: 'unknown-meter', meterId: 'cp-9', count: 2, atUtcMs: 60_000 }),
    ]);
  });

  it('a register reset splits the runs: the interval across it is a gap, each side still measures', () => {
    const m = cleanMeterSamples([s('cp-1', 0, 5000), s('cp-1', 15, 6000), s('cp-1', 20, 10), s('cp-1', 35, 1010)], known);
    expect(m.issues.map((i) => i.kind)).toEqual(['register-decreased']);
    const meter = m.meters.get('cp-1')!;
    expect(meteredKwh(meter, 0, 15 * 60_000, 60 * 60_000)).toBe(1);
    expect(meteredKwh(meter, 20 * 60_000, 35 * 60_000, 60 * 60_000)).toBe(1);
    expect(meteredKwh(meter, 10 * 60_000, 25 * 60_000, 60 * 60_000)).toBeUndefined();
  });

  it('export counts negative; samples too far apart do not bracket a boundary', () => {
    const meter = cleanMeterSamples([s('cp-2', 0, 0, 0), s('cp-2', 15, 0, 2500), s('cp-2', 120, 0, 3000)], known).meters.get('cp-2')!;
    expect(meteredKwh(meter, 0, 15 * 60_000, 30 * 60_000)).toBe(-2.5);
    expect(meteredKwh(meter, 15 * 60_000, 30 * 60_000, 30 * 60_000)).toBeUndefined();
  });

  it('property: the order samples arrive in and repeats never change a measured energy', () => {
    const base = Array.from({ length: 13 }, (_, i) => s('cp-1', i * 5, i * i * 10));
    fc.assert(
      fc.property(fc.shuffledSubarray(base, { minLength: base.length, maxLength: base.length }), fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 10 }), (order, repeats) => {
        // Registers i*i*10 Wh at i*5 min: 22 Wh at 7 min, 1084 Wh at 52 min (linear between samples).
        const meter = cleanMeterSamples([...order, ...repeats.map((i) => base[i]!)], known).meters.get('cp-1')!;
        expect(meteredKwh(meter, 7 * 60_000, 52 * 60_000, 10 * 60_000)).toBeCloseTo((1000 + 210 * 0.4 - (10 + 30 * 0.4)) / 1000, 9);
      }),
      { seed: 17 },
    );
  });
});
