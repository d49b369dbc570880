import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedLimitIssues, sharedLimitsPerSlot } from '../../grid/portfolio-limits.ts';
import type { SlotGrid } from '../../grid/slot-grid.ts';

const grid: SlotGrid = { startUtcMs: 0, endUtcMs: 8 * 900_000, slotMs: 900_000, slotCount: 8, zone: 'UTC' };

describe('shared (feeder) limits per slot', () => {
  it('no limit is Infinity with source none; the constant limit holds everywhere', () => {
    expect(sharedLimitsPerSlot(grid, {}).importLimits[3]).toEqual({ limitKw: Infinity, source: 'none' });
    expect(sharedLimitsPerSlot(grid, { importLimitKw: 300 }).importLimits.every((l) => l.limitKw === 300 && l.source === 'feeder')).toBe(true);
  });

  it('a window applies to every slot it touches, the tightest wins, ties keep the earlier source', () => {
    const r = sharedLimitsPerSlot(grid, {
      importLimitKw: 300,
      exportLimitKw: 50,
      windows: [
        { startUtcMs: 900_000 + 1, endUtcMs: 2 * 900_000 + 1, importLimitKw: 200, reason: 'dso' },
        { startUtcMs: 0, endUtcMs: 8 * 900_000, importLimitKw: 200, exportLimitKw: 0 },
      ],
    });
    expect(r.importLimits.map((l) => l.limitKw)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    expect(r.importLimits.map((l) => l.source)).toEqual(['window 1', 'dso', 'dso', 'window 1', 'window 1', 'window 1', 'window 1', 'window 1']);
    expect(r.exportLimits.every((l) => l.limitKw === 0)).toBe(true);
  });

  it('property: each slot limit is the minimum over the sources touching the slot', () => {
    const windowArb = fc.record({ start: fc.integer({ min: -5, max: 10 }), len: fc.integer({ min: 1, max: 6 }), kw: fc.integer({ min: 0, max: 500 }) });
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }), fc.array(windowArb, { maxLength: 5 }), (base, ws) => {
        const windows = ws.map((w) => ({ startUtcMs: w.start * 900_000, endUtcMs: (w.start + w.len) * 900_000, importLimitKw: w.kw }));
        const r = sharedLimitsPerSlot(grid, { ...(base !== undefined ? { importLimitKw: base } : {}), windows });
        for (let t = 0; t < 8; t++) {
          const touching = ws.filter((w) => w.start <= t && w.start + w.len > t).map((w) => w.kw);
          expect(r.importLimits[t]!.limitKw).toBe(Math.min(base ?? Infinity, ...touching));
        }
      }),
      { seed: 17 },
    );
  });

  it('names every bad field', () => {
    expect(sharedLimitIssues({ importLimitKw: 0, exportLimitKw: -1, windows: [{ startUtcMs: 5, endUtcMs: 5 }, { startUtcMs: 0, endUtcMs: 1, importLimitKw: Number.NaN }] }).map((i) => i.path)).toEqual([
      '/importLimitKw',
      '/exportLimitKw',
      '/windows/0/end',
      '/windows/0',
      '/windows/1/importLimitKw',
    ]);
  });
});
