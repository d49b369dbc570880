import { describe, expect, it } from 'vitest';
import { composePrice, type PriceTerm } from '../../grid/price-terms.ts';
import { catchGridError } from './catch-grid-error.ts';

describe('composePrice: market + named terms', () => {
  it('adds per-kWh terms, then VAT on the subtotal, keeping each term apart', () => {
    const terms: PriceTerm[] = [
      { name: 'network-fee', kind: 'per-kwh', pricePerKwh: [0.05, 0.08] },
      { name: 'energy-tax', kind: 'per-kwh', pricePerKwh: 0.02 },
      { name: 'vat', kind: 'percent', percent: 21 },
    ];
    const b = composePrice([0.1, -0.05], terms);
    expect(b.terms.map((t) => t.name)).toEqual(['market', 'network-fee', 'energy-tax', 'vat']);
    expect(b.terms[3]!.pricePerKwh[0]).toBeCloseTo(0.21 * 0.17, 12);
    expect(b.terms[3]!.pricePerKwh[1]).toBeCloseTo(0.21 * 0.05, 12);
    expect(b.totalPerKwh[0]).toBeCloseTo(0.17 * 1.21, 12);
    expect(b.totalPerKwh[1]).toBeCloseTo(0.05 * 1.21, 12);
    b.totalPerKwh.forEach((total, k) => expect(total).toBeCloseTo(b.terms.reduce((s, t) => s + t.pricePerKwh[k]!, 0), 12));
  });

  it('applies several percent terms to the same subtotal (no compounding)', () => {
    const b = composePrice([1], [{ name: 'a', kind: 'percent', percent: 10 }, { name: 'b', kind: 'percent', percent: 10 }]);
    expect(b.totalPerKwh[0]).toBeCloseTo(1.2, 12);
  });

  it('scales a negative market price with VAT (a credit)', () => {
    expect(composePrice([-0.1], [{ name: 'vat', kind: 'percent', percent: 20 }]).totalPerKwh[0]).toBeCloseTo(-0.12, 12);
  });

  it('lists every bad term', () => {
    const err = catchGridError(
      () =>
        composePrice([0.1, 0.2], [
          { name: 'market', kind: 'per-kwh', pricePerKwh: 0.1 },
          { name: 'fee', kind: 'per-kwh', pricePerKwh: [0.1] },
          { name: 'fee', kind: 'percent', percent: Number.NaN },
          { name: 'tax', kind: 'per-kwh', pricePerKwh: [0.1, Number.POSITIVE_INFINITY] },
        ]),
      'V2G_ERR_PRICE_TERM',
    );
    expect(err.issues.map((i) => i.path)).toEqual(['/0/name', '/1/pricePerKwh', '/2/name', '/2/percent', '/3/pricePerKwh/1']);
  });
});
