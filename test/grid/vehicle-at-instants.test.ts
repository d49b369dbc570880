import { describe, expect, it } from 'vitest';
import { localDaysSlotGrid } from '../../grid/slot-grid.ts';
import { vehiclesOnGrid } from '../../grid/vehicle-at-instants.ts';
import { catchGridError } from './catch-grid-error.ts';

const grid = localDaysSlotGrid({ firstDay: '2025-06-02', slotMinutes: 15, zone: 'Europe/Berlin' });
const base = {
  id: 'ev',
  chargerId: 'cp-1',
  arrival: '2025-06-02T08:00:00+02:00',
  departure: '2025-06-02T17:00:00+02:00',
  capacityKwh: 50,
  energyKwh: 10,
  targetEnergyKwh: 40,
  charger: { maxChargeKw: 11 },
};

describe('vehiclesOnGrid', () => {
  it.each([
    ['kWh inputs', {}, { energyKwh: 10, targetEnergyKwh: 40, maxChargeKw: 11 }],
    ['percent inputs', { energyKwh: undefined, socPercent: 20, targetEnergyKwh: undefined, targetSocPercent: 90, minSocPercent: 10 }, { energyKwh: 10, targetEnergyKwh: 45, minEnergyKwh: 5 }],
    ['an AC charger in amps x phases x volts', { charger: { maxCurrentA: 32, phases: 1, voltageV: 230 } }, { acLimit: { maxCurrentA: 32, phases: 1, voltageV: 230 } }],
    ['V2G with the discharge limit defaulting to the charge limit', { v2gAllowed: true, charger: { maxCurrentA: 16, phases: 3, voltageV: 230 } }, { v2gAllowed: true, maxDischargeKw: 11.04 }],
    ['both kW and AC limits (the smaller discharges)', { v2gAllowed: true, charger: { maxChargeKw: 7, maxCurrentA: 16, phases: 3, voltageV: 230 } }, { maxChargeKw: 7, maxDischargeKw: 7 }],
  ])('maps %s', (_name, override, expected) => {
    const { vehicles, dropped } = vehiclesOnGrid(grid, [{ ...base, ...override }]);
    expect(dropped).toEqual([]);
    expect(vehicles[0]).toMatchObject({ id: 'ev', chargerId: 'cp-1', arrivalSlot: 32, departureSlot: 68, capacityKwh: 50, ...expected });
  });

  it('maps 100 % to exactly the capacity (found by the assembly property: 12.398449840080012 > 12.39844984008001)', () => {
    const capacityKwh = 12.39844984008001;
    const { vehicles } = vehiclesOnGrid(grid, [{ ...base, capacityKwh, energyKwh: undefined, socPercent: 100, targetEnergyKwh: undefined, targetSocPercent: 100 }]);
    expect(vehicles[0]).toMatchObject({ energyKwh: capacityKwh, targetEnergyKwh: capacityKwh });
  });

  it('lists every problem of every vehicle with its path', () => {
    const err = catchGridError(
      () =>
        vehiclesOnGrid(grid, [
          { ...base, socPercent: 10 },
          { ...base, id: 'ev', energyKwh: 60, targetEnergyKwh: undefined },
          { ...base, id: 'b', charger: { maxCurrentA: 16 }, departure: '2025-06-02T07:00:00+02:00' },
          { ...base, id: 'c', colour: 'red', capacityKwh: -1 },
          { ...base, id: 'd', arrival: '2025-06-02T08:00' },
        ]),
      'V2G_ERR_VEHICLE_INPUT',
    );
    expect(err.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      '/0/socPercent: give energyKwh or socPercent, not both',
      '/1/id: duplicate id "ev" (also /0)',
      '/1/targetEnergyKwh: targetEnergyKwh or targetSocPercent is required',
      '/1: the energy (60 kWh) exceeds capacityKwh (50)',
      '/2/charger: an AC limit needs maxCurrentA, phases and voltageV together',
      '/2/charger: give maxChargeKw or an AC limit (maxCurrentA, phases, voltageV)',
      '/2/departure: is not after the arrival',
      '/3/colour: unknown field',
      expect.stringMatching(/^\/3\/capacityKwh: /),
      expect.stringMatching(/^\/4\/arrival: "2025-06-02T08:00" has no UTC offset/),
    ]);
  });
});
