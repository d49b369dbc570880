/**
 * The plan validator's check of a problem's `network` (part of plan-validator.ts, kept apart for size):
 * the exact magnitudes of every limited current, re-derived from the raw `Problem` without the optimizer's
 * network modules (no polygon, no coefficient tables shared with the LP or the baselines).
 *
 * Per slot, each charger's net power P (kW; vehicles on one charger summed) is a current of
 * P x 1000 / voltageV amps (a third of that per line for a three-phase group) at its group's angle
 * (`angleDeg`, default: AB 30, BC -90, CA 150, AN 0, BN -120, CN 120, ABC 0 degrees). Then:
 * - a group's breaker: |sum of its chargers' amps| <= maxCurrentA;
 * - the secondary lines by Kirchhoff: I_a = I_AB - I_CA + I_AN + I_ABC, I_b = I_BC - I_AB + I_BN + I_ABC at
 *   -120 degrees, I_c = I_CA - I_BC + I_CN + I_ABC at +120 degrees; each |I_x| <= secondaryMaxCurrentA;
 * - the primary lines: delta I_pa = (I_a - I_c) / n, I_pb = (I_b - I_a) / n, I_pc = (I_c - I_b) / n, or wye
 *   I_px = I_x / n; each magnitude <= primary.maxCurrentA;
 * - a breaker: the same line currents over its chargers only, each <= its maxCurrentA.
 * A limit is broken when the magnitude exceeds it by more than `toleranceAbs + toleranceRel x limit` (A);
 * each element reports its first broken slot and how many slots in all.
 */
import type { Plan } from './plan.ts';
import type { Problem } from './problem.ts';

export type NetworkViolationCode =
  | 'V2G_PLAN_GROUP_CURRENT_LIMIT'
  | 'V2G_PLAN_BREAKER_CURRENT_LIMIT'
  | 'V2G_PLAN_TRANSFORMER_CURRENT_LIMIT';

export interface NetworkViolation {
  readonly code: NetworkViolationCode;
  readonly slot: number;
  readonly message: string;
}

const defaultAngleDeg: Readonly<Record<string, number>> = { AB: 30, BC: -90, CA: 150, AN: 0, BN: -120, CN: 120, ABC: 0 };

interface Wired {
  readonly connection: string;
  readonly angleRad: number;
  readonly ampsPerKw: number;
}

/** Three line currents, real and imaginary parts: [a.re, a.im, b.re, b.im, c.re, c.im]. */
type Lines = [number, number, number, number, number, number];

/** Adds `amps` at `angleRad` of a charger on `connection` to the line currents. */
function addToLines(lines: Lines, connection: string, angleRad: number, amps: number): void {
  const re = amps * Math.cos(angleRad);
  const im = amps * Math.sin(angleRad);
  const put = (line: 0 | 1 | 2, sign: number) => {
    lines[2 * line]! += sign * re;
    lines[2 * line + 1]! += sign * im;
  };
  if (connection === 'AB') {
    put(0, 1);
    put(1, -1);
  } else if (connection === 'BC') {
    put(1, 1);
    put(2, -1);
  } else if (connection === 'CA') {
    put(2, 1);
    put(0, -1);
  } else if (connection === 'AN') put(0, 1);
  else if (connection === 'BN') put(1, 1);
  else if (connection === 'CN') put(2, 1);
  else {
    // Balanced three-phase: a at the angle, b 120 degrees behind, c 120 degrees ahead.
    for (const [line, shift] of [[0, 0], [1, -2 * Math.PI / 3], [2, 2 * Math.PI / 3]] as const) {
      lines[2 * line]! += amps * Math.cos(angleRad + shift);
      lines[2 * line + 1]! += amps * Math.sin(angleRad + shift);
    }
  }
}

function magnitudes(lines: Lines): [number, number, number] {
  return [Math.hypot(lines[0], lines[1]), Math.hypot(lines[2], lines[3]), Math.hypot(lines[4], lines[5])];
}

class Tally {
  readonly first = new Map<string, NetworkViolation>();
  readonly count = new Map<string, number>();
  constructor(readonly tolAbs: number, readonly tolRel: number) {}

  check(key: string, code: NetworkViolationCode, slot: number, magnitudeA: number, limitA: number, what: string): void {
    if (magnitudeA <= limitA + this.tolAbs + this.tolRel * limitA) return;
    this.count.set(key, (this.count.get(key) ?? 0) + 1);
    if (!this.first.has(key)) {
      this.first.set(key, { code, slot, message: `${what}: ${Number(magnitudeA.toPrecision(10))} A above its limit ${Number(limitA.toPrecision(10))} A` });
    }
  }

  violations(): NetworkViolation[] {
    return [...this.first].map(([key, v]) => {
      const n = this.count.get(key)!;
      return n > 1 ? { ...v, message: `${v.message} (${n} slots in all)` } : v;
    });
  }
}

/** Each charger's wiring (its first group's) and each breaker's chargers (distinct, in order). */
interface Wiring {
  readonly wired: ReadonlyMap<string, Wired>;
  readonly breakerChargers: readonly ReadonlySet<string>[];
}

function buildWiring(network: NonNullable<Problem['network']>): Wiring {
  const wired = new Map<string, Wired>();
  for (const g of network.groups) {
    const angleRad = ((g.angleDeg ?? defaultAngleDeg[g.connection]!) * Math.PI) / 180;
    const ampsPerKw = 1000 / g.voltageV / (g.connection === 'ABC' ? 3 : 1);
    for (const id of g.chargerIds) if (!wired.has(id)) wired.set(id, { connection: g.connection, angleRad, ampsPerKw });
  }
  return { wired, breakerChargers: (network.breakers ?? []).map((b) => new Set(b.chargerIds)) };
}

const wirings = new WeakMap<object, Wiring>();

/**
 * The wiring of `network`, built once per frozen network object (grid's `problemNetwork` gives one per site, whose
 * groups and breakers nothing changes: network-validation.ts and network-elements.ts rely on that too); any other
 * network's is built anew.
 */
function wiringOf(network: NonNullable<Problem['network']>): Wiring {
  if (!Object.isFrozen(network)) return buildWiring(network);
  let w = wirings.get(network);
  if (w === undefined) {
    w = buildWiring(network);
    wirings.set(network, w);
  }
  return w;
}

/** Every network limit the plan's powers break (empty without a network or when none is broken). */
export function networkViolations(problem: Problem, plan: Plan, tolAbs: number, tolRel: number): NetworkViolation[] {
  const network = problem.network;
  if (network === undefined) return [];
  const { wired, breakerChargers } = wiringOf(network);
  const tally = new Tally(tolAbs, tolRel);
  const lineName = ['a', 'b', 'c'];
  for (let t = 0; t < problem.slotCount; t++) {
    const powerKw = new Map<string, number>();
    problem.vehicles.forEach((v, i) => {
      const p = plan.vehicles[i]!.powerKw[t]!;
      if (p !== 0) powerKw.set(v.chargerId, (powerKw.get(v.chargerId) ?? 0) + p);
    });
    if (powerKw.size === 0) continue;
    const linesOf = (chargers: Iterable<string>): Lines => {
      const lines: Lines = [0, 0, 0, 0, 0, 0];
      for (const id of chargers) {
        const w = wired.get(id);
        const p = powerKw.get(id);
        if (w && p !== undefined) addToLines(lines, w.connection, w.angleRad, p * w.ampsPerKw);
      }
      return lines;
    };
    for (const g of network.groups) {
      if (g.maxCurrentA === undefined) continue;
      let sum = 0;
      for (const id of g.chargerIds) sum += (powerKw.get(id) ?? 0) * wired.get(id)!.ampsPerKw;
      tally.check(`group ${g.id}`, 'V2G_PLAN_GROUP_CURRENT_LIMIT', t, Math.abs(sum), g.maxCurrentA, `group ${g.id}`);
    }
    (network.breakers ?? []).forEach((b, k) => {
      magnitudes(linesOf(breakerChargers[k]!)).forEach((m, x) => {
        tally.check(`breaker ${b.id} ${x}`, 'V2G_PLAN_BREAKER_CURRENT_LIMIT', t, m, b.maxCurrentA, `breaker ${b.id} line ${lineName[x]}`);
      });
    });
    const tr = network.transformer;
    if (tr === undefined) continue;
    const s = linesOf(powerKw.keys());
    magnitudes(s).forEach((m, x) => {
      tally.check(`secondary ${x}`, 'V2G_PLAN_TRANSFORMER_CURRENT_LIMIT', t, m, tr.secondaryMaxCurrentA, `transformer secondary line ${lineName[x]}`);
    });
    const pr = tr.primary;
    if (pr === undefined) continue;
    const n = pr.turnsRatio;
    const [are, aim, bre, bim, cre, cim] = s;
    const primary: [number, number][] =
      pr.winding === 'delta'
        ? [[(are - cre) / n, (aim - cim) / n], [(bre - are) / n, (bim - aim) / n], [(cre - bre) / n, (cim - bim) / n]]
        : [[are / n, aim / n], [bre / n, bim / n], [cre / n, cim / n]];
    primary.forEach(([re, im], x) => {
      tally.check(`primary ${x}`, 'V2G_PLAN_TRANSFORMER_CURRENT_LIMIT', t, Math.hypot(re, im), pr.maxCurrentA, `transformer primary line ${lineName[x]}`);
    });
  }
  return tally.violations();
}
