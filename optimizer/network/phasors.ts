/**
 * Phasor arithmetic of a three-phase site: where each connection's current flows (Kirchhoff at the
 * transformer's secondary terminals a, b, c) and how the primary's line currents follow from the
 * secondary's. Complex numbers are `{ re, im }` in amps (or amps per kW).
 */
import type { Connection, TransformerPrimary } from './network-schema.ts';

export interface Complex {
  readonly re: number;
  readonly im: number;
}

export const zero: Complex = { re: 0, im: 0 };

export const lineNames = ['a', 'b', 'c'] as const;
export type LineName = (typeof lineNames)[number];

/** Angle of each connection's current at unity power factor (degrees; ABC: line a's). */
export const nominalAngleDeg: Readonly<Record<Connection, number>> = {
  AB: 30,
  BC: -90,
  CA: 150,
  AN: 0,
  BN: -120,
  CN: 120,
  ABC: 0,
};

/** Largest distance (degrees) of a group's `angleDeg` from its connection's nominal angle. */
export const maxAngleOffsetDeg = 30;

export function polar(magnitude: number, angleRad: number): Complex {
  return { re: magnitude * Math.cos(angleRad), im: magnitude * Math.sin(angleRad) };
}

export function add(a: Complex, b: Complex): Complex {
  return { re: a.re + b.re, im: a.im + b.im };
}

export function scale(a: Complex, k: number): Complex {
  return { re: a.re * k, im: a.im * k };
}

export function abs(a: Complex): number {
  return Math.hypot(a.re, a.im);
}

export const degToRad = (deg: number): number => (deg * Math.PI) / 180;

/** `deg` folded into (-180, 180]. */
export function wrapDeg(deg: number): number {
  const r = ((deg % 360) + 360) % 360;
  return r > 180 ? r - 360 : r;
}

/** Amps per kW of a charger in a group: 1000 / voltage, and a third of that per line for three-phase. */
export function ampsPerKw(connection: Connection, voltageV: number): number {
  return 1000 / (voltageV * (connection === 'ABC' ? 3 : 1));
}

/**
 * Where one amp of a group's current (at `angleDeg`) shows up on the secondary lines a, b, c: a line pair XY
 * carries it out of line X and back through line Y (+I on X, -I on Y); a line-to-neutral charger only on
 * its line; a three-phase charger on all three lines, 120 degrees apart (a, then b lagging, then c).
 */
export function lineCoefficients(connection: Connection, angleDeg: number): readonly [Complex, Complex, Complex] {
  const i = polar(1, degToRad(angleDeg));
  const minus = scale(i, -1);
  switch (connection) {
    case 'AB':
      return [i, minus, zero];
    case 'BC':
      return [zero, i, minus];
    case 'CA':
      return [minus, zero, i];
    case 'AN':
      return [i, zero, zero];
    case 'BN':
      return [zero, i, zero];
    case 'CN':
      return [zero, zero, i];
    case 'ABC':
      return [i, polar(1, degToRad(angleDeg - 120)), polar(1, degToRad(angleDeg + 120))];
  }
}

/**
 * The primary line currents as real combinations of the secondary's (rows: primary a, b, c; columns:
 * secondary a, b, c). Delta primary over a wye secondary: each primary line joins two windings, so
 * I_pa = (I_a - I_c) / n, I_pb = (I_b - I_a) / n, I_pc = (I_c - I_b) / n; wye primary: I_px = I_x / n.
 */
export function primaryMatrix(primary: Pick<TransformerPrimary, 'winding' | 'turnsRatio'>): readonly (readonly [number, number, number])[] {
  const k = 1 / primary.turnsRatio;
  return primary.winding === 'delta'
    ? [
        [k, 0, -k],
        [-k, k, 0],
        [0, -k, k],
      ]
    : [
        [k, 0, 0],
        [0, k, 0],
        [0, 0, k],
      ];
}
