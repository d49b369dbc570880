/**
 * A portfolio's flexibility as price-quantity curves per slot: how many kW its net import can move up
 * (import more) and down (import less, export more) from the sites' plans, and at what price per kWh.
 *
 * - Each site offers its flexibility envelope's kW (optimizer/flexibility.ts) at an opportunity price: a kWh
 *   not imported now must be imported later (rebound), at best at the cheapest later import price of its
 *   horizon, so down costs max(0, that - price now); a kWh imported now instead of later saves at most the
 *   dearest later price, so up costs max(0, price now - that). Estimates from prices only: battery wear,
 *   the departure targets' timing and the rebound's own limits are not in them.
 * - Offers are sorted by price and summed: the curve's steps are cumulative kW at a price (at most
 *   `maxSteps`, grouping neighbours), then clipped by the shared limits (up: import limit minus the planned
 *   sum; down: planned sum plus export limit).
 */

export interface SiteFlexibilityOffer {
  readonly siteId: string;
  /** Per slot (kW, >= 0). */
  readonly upKw: readonly number[];
  readonly downKw: readonly number[];
  readonly plannedNetKw: readonly number[];
  /** The site's own import price per slot (per kWh). */
  readonly importPricePerKwh: readonly number[];
}

/** One step: up to `quantityKw` (cumulative) at `pricePerKwh` or less, from these sites. */
export interface CurveStep {
  readonly pricePerKwh: number;
  readonly quantityKw: number;
  readonly siteIds: readonly string[];
}

export interface SlotCurve {
  readonly plannedNetKw: number;
  readonly up: readonly CurveStep[];
  readonly down: readonly CurveStep[];
  /** What the shared limits cut off the sum of the sites' offers (kW). */
  readonly upClippedKw: number;
  readonly downClippedKw: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

function curve(offers: { siteId: string; kw: number; price: number }[], capKw: number, maxSteps: number): { steps: CurveStep[]; clippedKw: number } {
  const sorted = offers.filter((o) => o.kw > 1e-9).sort((a, b) => a.price - b.price);
  const total = sorted.reduce((a, o) => a + o.kw, 0);
  const perStep = Math.max(1, Math.ceil(sorted.length / maxSteps));
  const steps: CurveStep[] = [];
  let cumulative = 0;
  for (let i = 0; i < sorted.length && cumulative < capKw; i += perStep) {
    const group = sorted.slice(i, i + perStep);
    cumulative = Math.min(capKw, cumulative + group.reduce((a, o) => a + o.kw, 0));
    steps.push({ pricePerKwh: r3(group.at(-1)!.price), quantityKw: r3(cumulative), siteIds: group.map((o) => o.siteId) });
  }
  return { steps, clippedKw: r3(Math.max(0, total - Math.max(0, capKw))) };
}

/** Per slot of the common horizon (offers cut to the shortest), with shared limits per slot (Infinity = none). */
export function portfolioFlexibilityCurves(
  offers: readonly SiteFlexibilityOffer[],
  importLimitKw: readonly number[],
  exportLimitKw: readonly number[],
  maxSteps = 4,
): SlotCurve[] {
  const T = Math.min(...offers.map((o) => o.upKw.length));
  if (!Number.isFinite(T)) return [];
  const laterPrices = offers.map((o) => {
    const minAfter = new Array<number>(o.importPricePerKwh.length).fill(Infinity);
    const maxAfter = new Array<number>(o.importPricePerKwh.length).fill(-Infinity);
    for (let t = o.importPricePerKwh.length - 2; t >= 0; t--) {
      minAfter[t] = Math.min(minAfter[t + 1]!, o.importPricePerKwh[t + 1]!);
      maxAfter[t] = Math.max(maxAfter[t + 1]!, o.importPricePerKwh[t + 1]!);
    }
    return { minAfter, maxAfter };
  });
  return Array.from({ length: T }, (_, t) => {
    const planned = offers.reduce((a, o) => a + o.plannedNetKw[t]!, 0);
    const ups = offers.map((o, s) => {
      const later = laterPrices[s]!.maxAfter[t]!;
      return { siteId: o.siteId, kw: o.upKw[t]!, price: Number.isFinite(later) ? Math.max(0, o.importPricePerKwh[t]! - later) : 0 };
    });
    const downs = offers.map((o, s) => {
      const later = laterPrices[s]!.minAfter[t]!;
      return { siteId: o.siteId, kw: o.downKw[t]!, price: Number.isFinite(later) ? Math.max(0, later - o.importPricePerKwh[t]!) : 0 };
    });
    const up = curve(ups, (importLimitKw[t] ?? Infinity) - planned, maxSteps);
    const down = curve(downs, planned + (exportLimitKw[t] ?? Infinity), maxSteps);
    return { plannedNetKw: r3(planned), up: up.steps, down: down.steps, upClippedKw: up.clippedKw, downClippedKw: down.clippedKw };
  });
}
