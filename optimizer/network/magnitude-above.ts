/**
 * `Math.hypot(re, im) > bound`, decided from the squared magnitude when it is clearly on one side.
 *
 * `Math.hypot` is several times dearer than a multiply-add in V8, and the baselines ask this question in
 * every step of a bisection (round robin's fair shares) and for every vehicle they fill. The squared
 * magnitude `re² + im²` is within a few units in the last place of the true one, and so is `Math.hypot`;
 * so when `re² + im²` is more than a relative 1e-9 away from `bound²` the answer is that of the comparison
 * of the squares, and only within that band (or when a square could overflow or lose precision to
 * subnormals) is `Math.hypot` asked. The answer is always exactly `Math.hypot(re, im) > bound`.
 */

/** Relative band around `bound²` inside which `Math.hypot` decides. */
const band = 1e-9;
/** Bounds whose square is a normal double with room to spare (else `Math.hypot` decides). */
const smallestBound = 1e-100;
const largestBound = 1e100;

/** Exactly `Math.hypot(re, im) > bound`. */
export function magnitudeAbove(re: number, im: number, bound: number): boolean {
  if (bound >= smallestBound && bound <= largestBound) {
    const squared = re * re + im * im;
    const boundSquared = bound * bound;
    if (squared < boundSquared * (1 - band)) return false;
    if (squared > boundSquared * (1 + band)) return true;
  }
  return Math.hypot(re, im) > bound;
}
