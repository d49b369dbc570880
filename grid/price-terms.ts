/**
 * Retail import price = market price + named terms (network fees, levies, taxes), kept apart so a plan can
 * say what each slot cost and why.
 *
 * Rules:
 * - `per-kwh` terms (network fee, levy, excise) are added to the market price, per slot.
 * - `percent` terms (VAT) are a percentage of the subtotal market + all per-kWh terms; several percent
 *   terms are each applied to that same subtotal (they do not compound). On a negative subtotal a percent
 *   term is negative as well (the price is scaled, as a VAT credit would be).
 * - Term names are unique and not `market`; every value must be finite.
 */
import { GridInputError, type GridIssue } from './errors.ts';

/** One named addition to the market price, in the site currency. */
export type PriceTerm =
  /** A price per kWh: one number for every slot, or one per slot (length = slotCount). */
  | { readonly name: string; readonly kind: 'per-kwh'; readonly pricePerKwh: number | readonly number[] }
  /** A percentage of the subtotal (market + per-kWh terms), e.g. 21 for 21 % VAT. */
  | { readonly name: string; readonly kind: 'percent'; readonly percent: number };

/** The price per slot and its parts; `terms[0]` is `market`. Every array has length = slotCount. */
export interface PriceBreakdown {
  readonly totalPerKwh: readonly number[];
  readonly terms: readonly { readonly name: string; readonly pricePerKwh: readonly number[] }[];
}

/** Every problem with the terms (empty when usable). */
export function priceTermIssues(terms: readonly PriceTerm[], slotCount: number): GridIssue[] {
  const issues: GridIssue[] = [];
  const names = new Set<string>(['market']);
  terms.forEach((t, i) => {
    const at = `/${i}`;
    if (typeof t.name !== 'string' || t.name === '') issues.push({ path: `${at}/name`, message: 'a term needs a name' });
    else if (names.has(t.name)) issues.push({ path: `${at}/name`, message: `the name "${t.name}" is used twice (or is reserved)` });
    names.add(t.name);
    if (t.kind === 'per-kwh') {
      const v = t.pricePerKwh;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) issues.push({ path: `${at}/pricePerKwh`, message: `${v} is not a finite price` });
      } else if (!Array.isArray(v) || v.length !== slotCount) {
        issues.push({ path: `${at}/pricePerKwh`, message: `must be a number or have one price per slot (${slotCount})` });
      } else {
        v.forEach((x, k) => {
          if (!Number.isFinite(x)) issues.push({ path: `${at}/pricePerKwh/${k}`, message: `${x} is not a finite price` });
        });
      }
    } else if (t.kind === 'percent') {
      if (!Number.isFinite(t.percent)) issues.push({ path: `${at}/percent`, message: `${t.percent} is not a finite percentage` });
    } else {
      issues.push({ path: `${at}/kind`, message: `"${String((t as { kind: unknown }).kind)}" is not per-kwh or percent` });
    }
  });
  return issues;
}

/**
 * Adds the terms to a market price per slot. Throws `V2G_ERR_PRICE_TERM` listing every bad term.
 *
 * @example composePrice([0.1, 0.2], [{ name: 'network', kind: 'per-kwh', pricePerKwh: 0.05 }, { name: 'vat', kind: 'percent', percent: 21 }]).totalPerKwh // [0.1815, 0.3025]
 */
export function composePrice(marketPerKwh: readonly number[], terms: readonly PriceTerm[]): PriceBreakdown {
  const n = marketPerKwh.length;
  const issues = priceTermIssues(terms, n);
  marketPerKwh.forEach((x, k) => {
    if (!Number.isFinite(x)) issues.push({ path: `/market/${k}`, message: `${x} is not a finite price` });
  });
  if (issues.length > 0) throw new GridInputError('V2G_ERR_PRICE_TERM', 'The price terms are not usable', issues);
  const parts: { name: string; pricePerKwh: number[] }[] = [{ name: 'market', pricePerKwh: [...marketPerKwh] }];
  const subtotal = [...marketPerKwh];
  for (const t of terms) {
    if (t.kind !== 'per-kwh') continue;
    const values = Array.from({ length: n }, (_, k) => (typeof t.pricePerKwh === 'number' ? t.pricePerKwh : t.pricePerKwh[k]!));
    values.forEach((v, k) => (subtotal[k] = subtotal[k]! + v));
    parts.push({ name: t.name, pricePerKwh: values });
  }
  const total = [...subtotal];
  for (const t of terms) {
    if (t.kind !== 'percent') continue;
    const values = subtotal.map((s) => (s * t.percent) / 100);
    values.forEach((v, k) => (total[k] = total[k]! + v));
    parts.push({ name: t.name, pricePerKwh: values });
  }
  // Keep the caller's order of terms after `market`.
  const order = new Map(terms.map((t, i) => [t.name, i]));
  parts.sort((a, b) => (a.name === 'market' ? -1 : b.name === 'market' ? 1 : order.get(a.name)! - order.get(b.name)!));
  return { totalPerKwh: total, terms: parts };
}
