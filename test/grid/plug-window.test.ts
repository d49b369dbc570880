import { describe, expect, it } from 'vitest';
import { plugWindow } from '../../grid/plug-window.ts';
import { catchGridError } from './catch-grid-error.ts';
import { localDaysSlotGrid } from '../../grid/slot-grid.ts';

// Europe/Berlin 2025-10-26: 100 quarter-hours from 2025-10-26T00:00+02:00; slot 12 starts at 02:00+01:00.
const grid = localDaysSlotGrid({ firstDay: '2025-10-26', slotMinutes: 15, zone: 'Europe/Berlin' });
const at = (text: string): number => Date.parse(text);

describe('plugWindow: arrival rounds up, departure rounds down', () => {
  const plugged: [string, string, string, number, number, boolean, boolean][] = [
    ['on slot boundaries', '2025-10-26T08:00:00+01:00', '2025-10-26T10:00:00+01:00', 36, 44, false, false],
    ['arrival inside a slot rounds up', '2025-10-26T08:01:00+01:00', '2025-10-26T10:00:00+01:00', 37, 44, false, false],
    ['departure inside a slot rounds down', '2025-10-26T08:00:00+01:00', '2025-10-26T09:59:00+01:00', 36, 43, false, false],
    ['in the first 02:00 hour (summer time)', '2025-10-26T02:00:00+02:00', '2025-10-26T02:30:00+02:00', 8, 10, false, false],
    ['in the repeated 02:00 hour (standard time)', '2025-10-26T02:00:00+01:00', '2025-10-26T02:30:00+01:00', 12, 14, false, false],
    ['already plugged in at the horizon start', '2025-10-25T20:00:00+02:00', '2025-10-26T07:00:00+01:00', 0, 32, true, false],
    ['departs after the horizon: index beyond slotCount', '2025-10-26T22:00:00+01:00', '2025-10-27T07:00:00+01:00', 92, 128, false, true],
    ['covers exactly one slot', '2025-10-26T12:00:00+01:00', '2025-10-26T12:15:00+01:00', 52, 53, false, false],
  ];
  it.each(plugged)('%s', (_name, arrival, departure, a, d, already, after) => {
    expect(plugWindow(grid, at(arrival), at(departure))).toEqual({
      kind: 'plugged', arrivalSlot: a, departureSlot: d, alreadyPluggedIn: already, departsAfterHorizon: after,
    });
  });

  const dropped: [string, string, string, string, RegExp][] = [
    ['20 minutes that cover no whole slot', '2025-10-26T10:05:00+01:00', '2025-10-26T10:25:00+01:00', 'no-whole-slot', /20 min.*no whole 15-minute slot/],
    ['10 minutes inside one slot', '2025-10-26T10:01:00+01:00', '2025-10-26T10:11:00+01:00', 'no-whole-slot', /10 min/],
    ['arrives in the last slot and stays overnight', '2025-10-26T23:50:00+01:00', '2025-10-27T07:00:00+01:00', 'no-whole-slot', /10 min within the horizon/],
    ['left before the horizon', '2025-10-25T18:00:00+02:00', '2025-10-26T00:00:00+02:00', 'departs-before-horizon', /before the horizon start/],
    ['arrives after the horizon', '2025-10-27T00:00:00+01:00', '2025-10-27T08:00:00+01:00', 'arrives-after-horizon', /after the horizon end/],
  ];
  it.each(dropped)('reports, not drops silently: %s', (_name, arrival, departure, reason, message) => {
    const w = plugWindow(grid, at(arrival), at(departure));
    expect(w.kind).toBe('dropped');
    if (w.kind === 'dropped') {
      expect(w.reason).toBe(reason);
      expect(w.message).toMatch(message);
    }
  });
});

describe('plugWindow on instants that are not usable', () => {
  it('throws a coded error for a NaN instant instead of returning a NaN slot', () => {
    const err = catchGridError(() => plugWindow(grid, Number.NaN, at('2025-10-26T10:00:00+01:00')), 'V2G_ERR_TIME_FORMAT');
    expect(err.issues.map((i) => i.path)).toEqual(['/arrival']);
  });

  it('drops (and says so) a departure at or before the arrival', () => {
    expect(plugWindow(grid, at('2025-10-26T10:00:00+01:00'), at('2025-10-26T09:00:00+01:00'))).toMatchObject({ kind: 'dropped', reason: 'no-whole-slot', message: expect.stringMatching(/never plugged in/) });
  });
});
