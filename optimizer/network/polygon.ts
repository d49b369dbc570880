/**
 * The LP's inner approximation of a magnitude limit |z| <= L, where z = sum_i k_i p_i is a phasor sum
 * (complex coefficients k_i, real powers p_i): a polygon inscribed in the circle of radius L.
 *
 * For a direction theta, Re(z e^{-j theta}) is linear in the powers. If every angle z can take lies within
 * `h` of one of the chosen directions, the rows Re(z e^{-j theta_j}) <= L cos(h) imply |z| <= L (the nearest
 * direction sees at least |z| cos(h)), and every z with |z| <= L cos(h) satisfies them (no projection
 * exceeds |z|): the approximation is safe and loses at most a share 1 - cos(h) of the limit, in the worst
 * direction only.
 *
 * The angles z can take lie in the cone spanned by the coefficients (k_i for a charger that charges, -k_i
 * for one that can discharge). A cone narrower than 180 degrees (charge-only, e.g. a secondary line spans
 * 60 degrees at Caltech) is covered by directions inside it only; coefficients on one line through the
 * origin need one exact two-sided row; anything else gets directions all round (two-sided rows in
 * opposite pairs).
 */

/** Even number of sides k of the full polygon whose worst-case loss 1 - cos(pi / k) is at most `lossFraction`. */
export function sidesForLoss(lossFraction: number): number {
  const k = Math.max(4, Math.ceil(Math.PI / Math.acos(1 - lossFraction) - 1e-9));
  return k % 2 === 0 ? k : k + 1;
}

/** The rows of one magnitude limit: their directions (rad), whether each is two-sided, and the bound factor cos(h). */
export interface Covering {
  readonly directionsRad: readonly number[];
  /** Each row also bounds the opposite direction (lower = -upper). */
  readonly twoSided: boolean;
  /** Row bound = limit x this (1 for an exact single direction). */
  readonly boundFactor: number;
}

const twoPi = 2 * Math.PI;
/** Angles closer than this (rad) count as one direction. */
const angleEps = 1e-9;

const norm = (a: number) => ((a % twoPi) + twoPi) % twoPi;

/** Distance between two angles modulo pi (rad): 0 when they lie on one line through the origin. */
function lineDistance(a: number, b: number): number {
  const d = norm(a - b) % Math.PI;
  return Math.min(d, Math.PI - d);
}

/**
 * The directions that hold |z| <= L for z in the cone spanned by unit vectors at `generatorAnglesRad`, with
 * a full polygon of `sides` sides (even) as the coarsest spacing. No generator: no rows.
 */
export function covering(generatorAnglesRad: readonly number[], sides: number): Covering {
  if (generatorAnglesRad.length === 0) return { directionsRad: [], twoSided: false, boundFactor: 1 };
  const angles = [...new Set(generatorAnglesRad.map(norm))].sort((a, b) => a - b);
  let maxGap = twoPi - angles[angles.length - 1]! + angles[0]!;
  let startAfterGap = angles[0]!;
  for (let i = 1; i < angles.length; i++) {
    const gap = angles[i]! - angles[i - 1]!;
    if (gap > maxGap) {
      maxGap = gap;
      startAfterGap = angles[i]!;
    }
  }
  const span = twoPi - maxGap;
  if (span < Math.PI - angleEps) {
    const step = twoPi / sides;
    const n = Math.max(1, Math.ceil(span / step - 1e-12));
    const spacing = span / n;
    const directionsRad = Array.from({ length: n }, (_, j) => startAfterGap + spacing / 2 + j * spacing);
    return { directionsRad, twoSided: false, boundFactor: Math.cos(spacing / 2) };
  }
  const axis = angles[0]!;
  if (angles.every((a) => lineDistance(a, axis) <= angleEps)) return { directionsRad: [axis], twoSided: true, boundFactor: 1 };
  const directionsRad = Array.from({ length: sides / 2 }, (_, j) => (j * twoPi) / sides);
  return { directionsRad, twoSided: true, boundFactor: Math.cos(Math.PI / sides) };
}
