import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covering, sidesForLoss } from '../../../optimizer/network/polygon.ts';
import { fcParams } from '../solve-helpers.ts';

const deg = (d: number) => (d * Math.PI) / 180;

/** Whether z (re, im) satisfies every row of the covering at limit 1. */
function satisfies(cover: ReturnType<typeof covering>, re: number, im: number, slack = 1e-12): boolean {
  return cover.directionsRad.every((theta) => {
    const p = re * Math.cos(theta) + im * Math.sin(theta);
    return p <= cover.boundFactor + slack && (!cover.twoSided || -p <= cover.boundFactor + slack);
  });
}

/** Largest r with r e^{j phi} satisfying every row (limit 1): the polygon's radius at angle phi. */
function radiusAt(cover: ReturnType<typeof covering>, phi: number): number {
  let r = Infinity;
  for (const theta of cover.directionsRad) {
    const c = Math.cos(phi - theta);
    if (c > 1e-15) r = Math.min(r, cover.boundFactor / c);
    if (cover.twoSided && -c > 1e-15) r = Math.min(r, cover.boundFactor / -c);
  }
  return r;
}

describe('sidesForLoss', () => {
  it('the fewest even sides whose worst-case loss 1 - cos(pi / k) is within the bound', () => {
    for (const loss of [0.001, 0.005, 0.01, 0.017, 0.05, 0.1]) {
      const k = sidesForLoss(loss);
      expect(k % 2).toBe(0);
      expect(1 - Math.cos(Math.PI / k)).toBeLessThanOrEqual(loss + 1e-15);
      expect(1 - Math.cos(Math.PI / (k - 2))).toBeGreaterThan(loss);
    }
    // The defaults stated in optimizer/network/README.md.
    expect(sidesForLoss(0.005)).toBe(32);
    expect(sidesForLoss(0.001)).toBe(72);
  });
});

describe('covering: the inner polygon of |z| <= 1 over the cone of the generators', () => {
  const generators = fc.array(fc.integer({ min: -180, max: 180 }), { minLength: 1, maxLength: 6 });
  const loss = fc.constantFrom(0.001, 0.005, 0.02, 0.1);

  it('is safe: any z in the cone satisfying every row has |z| <= 1 (sampled on the cone and beyond the circle)', () => {
    fc.assert(
      fc.property(generators, loss, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true })), { minLength: 1, maxLength: 30 }), (angles, l, points) => {
        const cover = covering(angles.map(deg), sidesForLoss(l));
        for (const [u, r] of points) {
          // A point of the cone: a non-negative combination of two neighbouring generators.
          const a = deg(angles[Math.floor(u * angles.length) % angles.length]!);
          const b = deg(angles[(Math.floor(u * angles.length) + 1) % angles.length]!);
          const re = r * (u * Math.cos(a) + (1 - u) * Math.cos(b));
          const im = r * (u * Math.sin(a) + (1 - u) * Math.sin(b));
          if (satisfies(cover, re, im)) expect(Math.hypot(re, im)).toBeLessThanOrEqual(1 + 1e-9);
        }
      }),
      fcParams(7101, 200),
    );
  });

  it('loses at most the stated share: every z of the cone with |z| <= cover factor satisfies the rows, and the factor is >= 1 - loss', () => {
    fc.assert(
      fc.property(generators, loss, (angles, l) => {
        const cover = covering(angles.map(deg), sidesForLoss(l));
        expect(cover.boundFactor).toBeGreaterThanOrEqual(1 - l - 1e-12);
        for (let phi = -180; phi < 180; phi += 0.5) {
          const re = cover.boundFactor * Math.cos(deg(phi));
          const im = cover.boundFactor * Math.sin(deg(phi));
          expect(satisfies(cover, re, im, 1e-12)).toBe(true);
        }
      }),
      fcParams(7102, 200),
    );
  });

  it('charge-only Caltech lines: a secondary line (generators 30 and -30 degrees) needs 6 rows at 0.5 %, a primary line (30, -90, -30) 11; the measured loss over the cone stays within 0.5 %', () => {
    const secondary = covering([deg(30), deg(-30)], sidesForLoss(0.005));
    const primary = covering([deg(30), deg(-90), deg(-30)], sidesForLoss(0.005));
    expect(secondary.directionsRad).toHaveLength(6);
    expect(primary.directionsRad).toHaveLength(11);
    for (const [cover, from, to] of [[secondary, -30, 30], [primary, -90, 30]] as const) {
      let worst = Infinity;
      for (let phi = from; phi <= to; phi += 0.01) worst = Math.min(worst, radiusAt(cover, deg(phi)));
      expect(worst).toBeGreaterThanOrEqual(1 - 0.005);
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('one direction, or two opposite ones (a charger that also discharges), is held exactly by one row', () => {
    const one = covering([deg(30)], 32);
    expect(one.directionsRad).toHaveLength(1);
    expect(one.directionsRad[0]).toBeCloseTo(deg(30), 12);
    expect(one.twoSided).toBe(false);
    expect(one.boundFactor).toBe(1);
    const line = covering([deg(30), deg(210)], 32);
    expect(line.directionsRad).toHaveLength(1);
    expect(line.twoSided).toBe(true);
    expect(line.boundFactor).toBe(1);
  });

  it('a cone of 180 degrees or more gets the full polygon as two-sided rows', () => {
    const full = covering([deg(0), deg(120), deg(240)], 32);
    expect(full.directionsRad).toHaveLength(16);
    expect(full.twoSided).toBe(true);
    expect(full.boundFactor).toBeCloseTo(Math.cos(Math.PI / 32), 15);
  });
});
