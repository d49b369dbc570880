/** Meter values of both generations -> power (kW), energy register (Wh), SoC (%). */
import { describe, expect, it } from 'vitest';
import { meterValueReadings16 } from '../../../adapters/ocpp/1.6/meter-values.ts';
import { meterValueReadings2x } from '../../../adapters/ocpp/2.0.1/meter-values.ts';
import { readingOf } from '../../../adapters/ocpp/meter-values.ts';

const at = '2025-01-06T08:00:00.000Z';

describe('meter values', () => {
  it('1.6: text values, kW and kWh units, per-phase power summed, export netted', () => {
    const [r] = meterValueReadings16([{ timestamp: at, sampledValue: [
      { value: '2.5', measurand: 'Power.Active.Import', unit: 'kW', phase: 'L1' },
      { value: '2.5', measurand: 'Power.Active.Import', unit: 'kW', phase: 'L2' },
      { value: '1000', measurand: 'Power.Active.Export', unit: 'W' },
      { value: '12.5', unit: 'kWh' },
      { value: '61', measurand: 'SoC', unit: 'Percent' },
      { value: 'n/a', measurand: 'Voltage' },
    ] }]);
    expect(r).toEqual({ atUtcMs: Date.parse(at), powerKw: 4, energyRegisterWh: 12_500, socPct: 61 });
  });

  it('2.x: numbers with unitOfMeasure and multiplier', () => {
    const [r] = meterValueReadings2x([{ timestamp: at, sampledValue: [
      { value: 7.4, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 3 } },
      { value: 3, measurand: 'Energy.Active.Export.Register', unitOfMeasure: { unit: 'kWh' } },
      { value: 1234, measurand: 'Energy.Active.Import.Register' },
    ] }]);
    expect(r).toEqual({ atUtcMs: Date.parse(at), powerKw: 7.4, energyRegisterWh: 1234, energyExportRegisterWh: 3000 });
  });

  it('a total wins over phase values; nothing usable gives an empty reading; bad timestamps are skipped', () => {
    expect(readingOf([{ value: 5000, measurand: 'Power.Active.Import' }, { value: 1, measurand: 'Power.Active.Import', phase: 'L1' }]).powerKw).toBe(5);
    expect(readingOf([{ value: 230, measurand: 'Voltage' }])).toEqual({});
    expect(meterValueReadings16([{ timestamp: 'yesterday', sampledValue: [{ value: '1' }] }])).toEqual([]);
  });
});
