/**
 * The unit table: every unit grid/ accepts, its quantity and its factor to the canonical unit.
 *
 * Units are case-sensitive SI spellings (`kW`, not `KW`: `mW` would be milliwatts); currencies are ISO 4217
 * codes in capitals. Anything not in the table is an error (`V2G_ERR_UNKNOWN_UNIT`), never a guess.
 *
 * | quantity      | units                                | canonical |
 * |---------------|--------------------------------------|-----------|
 * | power         | W, kW, MW, Wh/h, kWh/h, MWh/h        | kW        |
 * | energy        | Wh, kWh, MWh (energy per interval)   | kWh       |
 * | energy-price  | CUR/Wh, CUR/kWh, CUR/MWh             | CUR/kWh   |
 * | power-price   | CUR/kW, CUR/MW                       | CUR/kW    |
 */
import { GridInputError } from './errors.ts';

export type Quantity = 'power' | 'energy' | 'energy-price' | 'power-price';

/** A parsed unit. `value * toCanonical` is the value in `canonical`. */
export interface UnitInfo {
  readonly unit: string;
  readonly quantity: Quantity;
  readonly canonical: string;
  readonly toCanonical: number;
  /** ISO 4217 code for price units. */
  readonly currency?: string;
}

const powerKw: Record<string, number> = { W: 0.001, kW: 1, MW: 1000, 'Wh/h': 0.001, 'kWh/h': 1, 'MWh/h': 1000 };
const energyKwh: Record<string, number> = { Wh: 0.001, kWh: 1, MWh: 1000 };
/** Price per energy unit -> factor to price per kWh. */
const perEnergy: Record<string, number> = { Wh: 1000, kWh: 1, MWh: 0.001 };
/** Price per power unit -> factor to price per kW. */
const perPower: Record<string, number> = { kW: 1, MW: 0.001 };

const currencyCode = /^[A-Z]{3}$/;

/** Looks a unit up in the table; undefined when unknown. */
export function parseUnit(unit: string): UnitInfo | undefined {
  if (typeof unit !== 'string') return undefined;
  const p = powerKw[unit];
  if (p !== undefined) return { unit, quantity: 'power', canonical: 'kW', toCanonical: p };
  const e = energyKwh[unit];
  if (e !== undefined) return { unit, quantity: 'energy', canonical: 'kWh', toCanonical: e };
  const slash = unit.indexOf('/');
  if (slash !== 3) return undefined;
  const currency = unit.slice(0, 3);
  const per = unit.slice(4);
  if (!currencyCode.test(currency)) return undefined;
  const pe = perEnergy[per];
  if (pe !== undefined) return { unit, quantity: 'energy-price', canonical: `${currency}/kWh`, toCanonical: pe, currency };
  const pp = perPower[per];
  if (pp !== undefined) return { unit, quantity: 'power-price', canonical: `${currency}/kW`, toCanonical: pp, currency };
  return undefined;
}

/** Looks a unit up or throws `V2G_ERR_UNKNOWN_UNIT` naming `path`. */
export function requireUnit(unit: string, path = '/unit'): UnitInfo {
  const info = parseUnit(unit);
  if (info === undefined) {
    throw new GridInputError('V2G_ERR_UNKNOWN_UNIT', 'A unit is not in the unit table', [
      { path, message: `${typeof unit === 'string' ? `"${unit}"` : String(unit)} is not a known unit (power: W, kW, MW, kWh/h; energy: Wh, kWh, MWh; prices: EUR/MWh, USD/kWh, EUR/kW ...)` },
    ]);
  }
  return info;
}

/**
 * The factor that converts values in `from` to values in `to` (same quantity and currency), or throws
 * `V2G_ERR_UNKNOWN_UNIT` / `V2G_ERR_UNIT_MISMATCH`.
 *
 * @example conversionFactor('EUR/MWh', 'EUR/kWh') // 0.001
 */
export function conversionFactor(from: string, to: string, path = '/unit'): number {
  const f = requireUnit(from, path);
  const t = requireUnit(to, path);
  if (f.quantity !== t.quantity || f.currency !== t.currency) {
    throw new GridInputError('V2G_ERR_UNIT_MISMATCH', 'A unit cannot be converted', [
      { path, message: `"${from}" (${f.quantity}) cannot be converted to "${to}" (${t.quantity})` },
    ]);
  }
  return f.toCanonical / t.toCanonical;
}

const columnEnergy: Record<string, string> = { wh: 'Wh', kwh: 'kWh', mwh: 'MWh' };
const columnPower: Record<string, string> = { w: 'W', kw: 'kW', mw: 'MW' };

/**
 * The unit named by a column's suffix, or undefined: `price_eur_per_mwh` -> `EUR/MWh`, `power_kw` -> `kW`,
 * `energy_kwh` -> `kWh` (energy per interval), `load_kwh_per_h` -> `kWh/h`, `fee_eur_per_kw` -> `EUR/kW`.
 */
export function unitFromColumnName(column: string): string | undefined {
  const name = column.trim().toLowerCase();
  let m = /(?:^|_)([a-z]{3})_per_(wh|kwh|mwh|kw|mw)$/.exec(name);
  if (m) {
    // kwh_per_kw and the like are not prices: not in the table.
    if (columnEnergy[m[1]!] !== undefined || columnPower[m[1]!] !== undefined) return undefined;
    const per = columnEnergy[m[2]!] ?? columnPower[m[2]!];
    return `${m[1]!.toUpperCase()}/${per}`;
  }
  m = /(?:^|_)(wh|kwh|mwh)_per_h$/.exec(name);
  if (m) return `${columnEnergy[m[1]!]}/h`;
  m = /(?:^|_)(wh|kwh|mwh|w|kw|mw)$/.exec(name);
  if (m) return columnEnergy[m[1]!] ?? columnPower[m[1]!];
  return undefined;
}
