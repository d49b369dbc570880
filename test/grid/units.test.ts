import { describe, expect, it } from 'vitest';
import { conversionFactor, parseUnit, requireUnit, unitFromColumnName } from '../../grid/units.ts';
import { catchGridError } from './catch-grid-error.ts';

describe('the unit table', () => {
  it.each([
    ['EUR/MWh to EUR/kWh', 'EUR/MWh', 'EUR/kWh', 0.001],
    ['USD/kWh to USD/MWh', 'USD/kWh', 'USD/MWh', 1000],
    ['W to kW', 'W', 'kW', 0.001],
    ['MW to kW', 'MW', 'kW', 1000],
    ['kWh per hour is kW', 'kWh/h', 'kW', 1],
    ['Wh per hour to kW', 'Wh/h', 'kW', 0.001],
    ['MWh to kWh', 'MWh', 'kWh', 1000],
    ['EUR/MW to EUR/kW (demand charge)', 'EUR/MW', 'EUR/kW', 0.001],
  ])('converts %s', (_name, from, to, factor) => {
    expect(conversionFactor(from, to)).toBeCloseTo(factor, 12);
  });

  it.each([
    ['lower-case kw (milli-confusion risk)', 'kw'],
    ['OpenADR spelling KW (mapped by its parser, not here)', 'KW'],
    ['ct/kWh (currency unclear)', 'ct/kWh'],
    ['a lower-case currency', 'eur/MWh'],
    ['horsepower', 'hp'],
    ['empty', ''],
    ['not a string (a unit from JSON may be anything)', 42 as unknown as string],
    ['missing', undefined as unknown as string],
  ])('does not know %s', (_name, unit) => {
    expect(parseUnit(unit)).toBeUndefined();
    catchGridError(() => requireUnit(unit), 'V2G_ERR_UNKNOWN_UNIT');
  });

  it.each([
    ['power to price', 'kW', 'EUR/kWh'],
    ['energy to power (needs the interval: resample does it)', 'kWh', 'kW'],
    ['EUR to USD (no exchange rates here)', 'EUR/MWh', 'USD/kWh'],
  ])('refuses %s', (_name, from, to) => {
    catchGridError(() => conversionFactor(from, to), 'V2G_ERR_UNIT_MISMATCH');
  });
});

describe('units in column names', () => {
  it.each([
    ['price_eur_per_mwh', 'EUR/MWh'],
    ['source_price_eur_per_kwh', 'EUR/kWh'],
    ['import_price_usd_per_kwh', 'USD/kWh'],
    ['power_kw', 'kW'],
    ['pv_w', 'W'],
    ['energy_kwh', 'kWh'],
    ['b01_non_shiftable_load_kwh', 'kWh'],
    ['load_kwh_per_h', 'kWh/h'],
    ['demand_fee_eur_per_kw', 'EUR/kW'],
    ['Price_EUR_per_MWh', 'EUR/MWh'],
    ['price', undefined],
    ['start_utc', undefined],
    ['energy_kwh_per_kw', undefined],
  ])('%s -> %s', (column, unit) => {
    expect(unitFromColumnName(column)).toBe(unit);
  });
});
