/**
 * Demand charges per billing period.
 *
 * Rules:
 * - The billing period is the local calendar month of the tariff's zone, [first instant of the 1st, first
 *   instant of the next 1st).
 * - Its price per kW is the `demand_charge` of the schedules in force during that month. A tariff whose
 *   demand charge changes within a month cannot be expressed as one peak price and is rejected for that month.
 * - The charge applies to the highest import over all slots of the period (time-of-use demand charges,
 *   e.g. on-peak-only demand, are not modelled). Slots of a horizon outside the period do not count.
 */
import { GridInputError } from './errors.ts';
import { daysInMonth } from './instant.ts';
import { startOfLocalDayUtcMs } from './local-time.ts';
import { DateTime } from 'luxon';
import { requireInstant, scheduleOn, type TouTariff } from './tariff.ts';

/** A demand charge over one billing period. */
export interface DemandChargeInput {
  /** Price per kW of the period's peak import, in the site currency. */
  readonly pricePerKw: number;
  /** UTC epoch ms, inclusive. */
  readonly billingPeriodStartUtcMs: number;
  /** UTC epoch ms, exclusive. */
  readonly billingPeriodEndUtcMs: number;
  /** Peak import already reached earlier in the period (kW); default 0. */
  readonly previousPeakKw?: number;
}

/** The demand charge of the billing period (local calendar month) that contains `atUtcMs`. */
export function tariffDemandCharge(tariff: TouTariff, atUtcMs: number, previousPeakKw?: number): DemandChargeInput {
  requireInstant(atUtcMs, '/atUtcMs');
  if (previousPeakKw !== undefined && !(Number.isFinite(previousPeakKw) && previousPeakKw >= 0)) {
    throw new GridInputError('V2G_ERR_SITE_INPUT', 'The previous peak of the billing period is not usable', [
      { path: '/previousPeakKw', message: `${previousPeakKw} is not a non-negative number of kW` },
    ]);
  }
  const t = DateTime.fromMillis(atUtcMs, { zone: tariff.zone });
  const charges = new Map<number, string>();
  for (let day = 1; day <= daysInMonth(t.year, t.month); day++) {
    const weekday = DateTime.fromObject({ year: t.year, month: t.month, day }, { zone: tariff.zone }).weekday;
    const s = scheduleOn(tariff, { month: t.month, day }, weekday);
    if (!charges.has(s.demandChargePerKw)) charges.set(s.demandChargePerKw, s.id);
  }
  if (charges.size !== 1) {
    throw new GridInputError('V2G_ERR_TARIFF_FORMAT', `The tariff "${tariff.name}" has no single demand charge for ${t.toFormat('yyyy-MM')}`, [
      { path: '/schedule', message: `the demand charge changes within the billing period: ${[...charges.entries()].map(([c, id]) => `${c} (${id})`).join(', ')}` },
    ]);
  }
  const next = t.month === 12 ? { year: t.year + 1, month: 1 } : { year: t.year, month: t.month + 1 };
  return {
    pricePerKw: [...charges.keys()][0]!,
    billingPeriodStartUtcMs: startOfLocalDayUtcMs(t.year, t.month, 1, tariff.zone),
    billingPeriodEndUtcMs: startOfLocalDayUtcMs(next.year, next.month, 1, tariff.zone),
    ...(previousPeakKw !== undefined ? { previousPeakKw } : {}),
  };
}
