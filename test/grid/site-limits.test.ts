import { describe, expect, it } from 'vitest';
import { siteLimitsPerSlot, type CapacityLimit } from '../../grid/site-limits.ts';
import { createSlotGrid } from '../../grid/slot-grid.ts';
import { catchGridError } from './catch-grid-error.ts';

const grid = createSlotGrid({ start: '2025-06-01T00:00:00Z', end: '2025-06-01T02:00:00Z', slotMinutes: 15, zone: 'UTC' });
const at = (m: number): number => grid.startUtcMs + m * 60_000;
const limit = (source: string, direction: 'import' | 'export', from: number, to: number, limitKw: number): CapacityLimit => ({ source, direction, startUtcMs: at(from), endUtcMs: at(to), limitKw });

describe('siteLimitsPerSlot: the tightest limit per slot, with its source', () => {
  it('combines the connection, the transformer and time-bounded events', () => {
    const l = siteLimitsPerSlot(grid, {
      connectionImportKw: 100,
      connectionExportKw: 80,
      transformerRatingKw: 90,
      capacityLimits: [
        limit('dso-event-1', 'import', 15, 45, 50),
        limit('dso-event-2', 'import', 30, 40, 30), // covers part of slot 2 only: applies to all of it
        limit('openadr3:gac-17/interval 2', 'export', 60, 120, 0),
        limit('loose', 'import', 90, 120, 500),
      ],
    });
    expect(l.importLimits.map((x) => [x.limitKw, x.source])).toEqual([
      [90, 'transformer'], [50, 'dso-event-1'], [30, 'dso-event-2'], [90, 'transformer'],
      [90, 'transformer'], [90, 'transformer'], [90, 'transformer'], [90, 'transformer'],
    ]);
    expect(l.exportLimits.map((x) => [x.limitKw, x.source])).toEqual([
      [80, 'connection'], [80, 'connection'], [80, 'connection'], [80, 'connection'],
      [0, 'openadr3:gac-17/interval 2'], [0, 'openadr3:gac-17/interval 2'], [0, 'openadr3:gac-17/interval 2'], [0, 'openadr3:gac-17/interval 2'],
    ]);
  });

  it('allows no export unless the connection agrees one; events outside the grid are ignored', () => {
    const l = siteLimitsPerSlot(grid, { connectionImportKw: 40, capacityLimits: [limit('early', 'import', -60, 0, 1), limit('late', 'import', 120, 180, 1)] });
    expect(new Set(l.exportLimits.map((x) => `${x.limitKw} ${x.source}`))).toEqual(new Set(['0 no-export-agreed']));
    expect(new Set(l.importLimits.map((x) => `${x.limitKw} ${x.source}`))).toEqual(new Set(['40 connection']));
  });

  it('names the earlier source on a tie (connection before transformer)', () => {
    const l = siteLimitsPerSlot(grid, { connectionImportKw: 50, transformerRatingKw: 50 });
    expect(l.importLimits[0]).toEqual({ limitKw: 50, source: 'connection' });
  });

  it('rejects a capacity limit that is not an object, and a list that is not an array', () => {
    const err = catchGridError(() => siteLimitsPerSlot(grid, { connectionImportKw: 10, capacityLimits: [null as never] }), 'V2G_ERR_SITE_INPUT');
    expect(err.issues.map((i) => i.path)).toEqual(['/capacityLimits/0']);
    const notArray = catchGridError(() => siteLimitsPerSlot(grid, { connectionImportKw: 10, capacityLimits: {} as never }), 'V2G_ERR_SITE_INPUT');
    expect(notArray.issues.map((i) => i.path)).toEqual(['/capacityLimits']);
  });

  it('lists every bad input', () => {
    const err = catchGridError(
      () =>
        siteLimitsPerSlot(grid, {
          connectionImportKw: 0,
          connectionExportKw: -1,
          transformerRatingKw: Number.NaN,
          capacityLimits: [
            { source: '', direction: 'sideways' as 'import', startUtcMs: at(10), endUtcMs: at(5), limitKw: -3 },
          ],
        }),
      'V2G_ERR_SITE_INPUT',
    );
    expect(err.issues.map((i) => i.path)).toEqual([
      '/connectionImportKw', '/connectionExportKw', '/transformerRatingKw',
      '/capacityLimits/0/direction', '/capacityLimits/0/source', '/capacityLimits/0', '/capacityLimits/0/limitKw',
    ]);
  });
});
