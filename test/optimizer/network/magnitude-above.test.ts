/**
 * `magnitudeAbove` is exactly `Math.hypot(re, im) > bound`: at random points, on and within a few units in the
 * last place of the boundary, and at the edges (zero, huge and tiny values, infinities, NaN).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { magnitudeAbove } from '../../../optimizer/network/magnitude-above.ts';
import { fcParams } from '../solve-helpers.ts';

const reference = (re: number, im: number, bound: number) => Math.hypot(re, im) > bound;

describe('magnitudeAbove', () => {
  it('equals Math.hypot(re, im) > bound for any doubles', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), fc.double(), (re, im, bound) => {
        expect(magnitudeAbove(re, im, bound)).toBe(reference(re, im, bound));
      }),
      fcParams(1601, 2000),
    );
  });

  it('equals Math.hypot(re, im) > bound at points on and next to the boundary (amps as the network has them)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.integer({ min: -64, max: 64 }),
        (bound, angle, ulps) => {
          const magnitude = bound * (1 + ulps * Number.EPSILON);
          const re = magnitude * Math.cos(angle);
          const im = magnitude * Math.sin(angle);
          expect(magnitudeAbove(re, im, bound)).toBe(reference(re, im, bound));
          // The bound taken as the computed magnitude itself: the hardest case.
          const exact = Math.hypot(re, im);
          expect(magnitudeAbove(re, im, exact)).toBe(false);
          expect(magnitudeAbove(re, im, exact * (1 - Number.EPSILON))).toBe(reference(re, im, exact * (1 - Number.EPSILON)));
        },
      ),
      fcParams(1602, 3000),
    );
  });

  it('equals Math.hypot(re, im) > bound at the edges', () => {
    const values = [0, -0, 1e-320, 1e-160, 1e-100, 1, 3, 4, 5, 1e100, 1e160, 1e300, Number.MAX_VALUE, Infinity, -Infinity, NaN, -5];
    for (const re of values) for (const im of values) for (const bound of values) expect(magnitudeAbove(re, im, bound)).toBe(reference(re, im, bound));
  });
});
