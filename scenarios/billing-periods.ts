/**
 * Demand-charge billing periods: the local calendar month of the site zone (grid/demand-charge.ts), priced
 * from a TOU tariff's `demand_charge` or from a fixed price per kW (e.g. a Belgian capacity tariff).
 */
import { DateTime } from 'luxon';
import { tariffDemandCharge } from '../grid/demand-charge.ts';
import { startOfLocalDayUtcMs } from '../grid/local-time.ts';
import type { TouTariff } from '../grid/tariff.ts';

/** One billing period: [startUtcMs, endUtcMs), its price per kW of peak import, named `yyyy-MM` (local). */
export interface BillingPeriod {
  readonly key: string;
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  readonly pricePerKw: number;
}

/** The billing period containing an instant. */
export type BillingRule = (utcMs: number) => BillingPeriod;

function monthBounds(utcMs: number, zone: string): { key: string; startUtcMs: number; endUtcMs: number } {
  const t = DateTime.fromMillis(utcMs, { zone });
  const next = t.month === 12 ? { year: t.year + 1, month: 1 } : { year: t.year, month: t.month + 1 };
  return {
    key: t.toFormat('yyyy-LL'),
    startUtcMs: startOfLocalDayUtcMs(t.year, t.month, 1, zone),
    endUtcMs: startOfLocalDayUtcMs(next.year, next.month, 1, zone),
  };
}

function cached(rule: (utcMs: number) => BillingPeriod): BillingRule {
  const periods: BillingPeriod[] = [];
  return (utcMs) => {
    const hit = periods.find((p) => utcMs >= p.startUtcMs && utcMs < p.endUtcMs);
    if (hit) return hit;
    const p = rule(utcMs);
    periods.push(p);
    return p;
  };
}

/** Billing by a tariff's own demand charge (throws `V2G_ERR_TARIFF_FORMAT` when it changes within a month). */
export function tariffBilling(tariff: TouTariff): BillingRule {
  return cached((utcMs) => {
    const d = tariffDemandCharge(tariff, utcMs);
    return { key: monthBounds(utcMs, tariff.zone).key, startUtcMs: d.billingPeriodStartUtcMs, endUtcMs: d.billingPeriodEndUtcMs, pricePerKw: d.pricePerKw };
  });
}

/** Billing at a fixed price per kW of each local calendar month's peak. */
export function fixedBilling(pricePerKw: number, zone: string): BillingRule {
  return cached((utcMs) => ({ ...monthBounds(utcMs, zone), pricePerKw }));
}
