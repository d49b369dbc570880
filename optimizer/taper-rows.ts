/**
 * The charge taper as rows of the LP (`Vehicle.chargeTaper`, problem.ts). For a vehicle with a taper
 * (s0 = `startSoc`, f = `endPowerFraction`, L = `fullPowerKw`, theta = `checkAtSlotFraction`, C = capacity) and
 * every slot t of its stay where the row can bind, the charge power c[t] (kW, grid side) keeps to
 *
 *     c[t] <= L x (1 - k x (E_chk / C - s0)),   k = (1 - f) / (1 - s0),
 *     E_chk = e[t] + theta x dt x (eta_c c[t] - x[t] / eta_d)   (the stored energy theta into the slot),
 *
 * which is linear: in the chain energy form with e[t] the energy column of the slot before (e[arrival] = E0), in
 * the prefix form with e[t] = E0 + sum over the stay's earlier slots of dt (eta_c c - x / eta_d):
 *
 *     (1 + a theta dt eta_c) c[t] - a theta dt x[t] / eta_d + a dt sum_{u<t} (eta_c c[u] - x[u] / eta_d) <= L (1 + k s0) - a E0,
 *     a = L k / C.
 *
 * Below the taper start the right side exceeds L, so one row holds the whole piecewise-linear limit
 * min(L, L (1 - k (soc - s0))) wherever the column's own bound is at most L. A row is added only where it can
 * bind: the highest energy the vehicle could hold at the check point (every earlier slot at its charge limit)
 * gives a limit below the slot's charge bound. Vehicles that cannot reach the taper within their stay get none.
 *
 * Why theta: a simulation integrating a slot in n steps at a constant setpoint accepts it exactly when the
 * limit holds at its last step's start, (n - 1) / n into the slot (vehicle-physics.ts in scenarios/); theta = 1
 * (the default) is conservative for any n. The validator re-checks the same rule (plan-validator-taper.ts).
 *
 * The stepped form (`stepsPerSlot` n, `taperRowsOf` below) drops the constant setpoint: the plan's charge power is
 * the slot's average, and its rows are the exact largest average a battery integrated in n steps, each at most
 * min(L, the taper at the step's start), reaches from the slot's start energy (up to n rows a slot, affine in it).
 * A constant setpoint checked (n - 1) / n into the slot is that much below it: on the Caltech week a vehicle that
 * ends short in the taper got about 0.13 kWh less than a baseline sending the full power (scenarios/MPC.md).
 */
import type { LinearProgramBuilder } from './linear-program.ts';
import type { ChargeTaper } from './problem.ts';
import type { ResolvedProblem, ResolvedVehicle } from './resolved-problem.ts';

/** A row counts as able to bind when the column's bound passes the lowest limit by more than this (kW). */
const bindToleranceKw = 1e-9;

/** Slope of the taper: power lost per unit of SoC above the start, as a fraction of `fullPowerKw`. */
export function taperSlope(taper: ChargeTaper): number {
  return (1 - taper.endPowerFraction) / (1 - taper.startSoc);
}

/** The linear limit at state of charge `soc` (kW): above `fullPowerKw` below the taper start, the taper above it. */
export function taperLimitKw(taper: ChargeTaper, soc: number): number {
  return taper.fullPowerKw * (1 - taperSlope(taper) * (soc - taper.startSoc));
}

/** Rows and nonzeros the taper added to a model (`plan.stats.taperRows`). */
export interface TaperRowCount {
  rows: number;
  nonzeros: number;
}

/**
 * One taper row in the slot's start energy E (kWh): `c[t] x cCoef + g x E <= rhs` (kW; the constant form also has
 * the slot's own energy theta into the slot, `cCoef` = 1 + a theta dt eta_c and `xCoef` on the discharge).
 */
interface TaperRow {
  readonly cCoef: number;
  /** The slot's own discharge column's coefficient, written when `withX` (the constant form: even at theta = 0). */
  readonly xCoef: number;
  readonly withX: boolean;
  readonly g: number;
  readonly rhs: number;
}

/**
 * The rows of `taper` for a vehicle (capacity, efficiencies) in a slot of `dt` hours.
 * - Constant form (no `stepsPerSlot`): the one row above (theta).
 * - Stepped form (`stepsPerSlot` n): the physics takes, in each of n steps of h = dt / n, at most min(L, the taper at
 *   the step's start); the taper's step is affine in the energy (`a' - a E` shrinks by r = 1 - a h eta_c per step) and
 *   increasing, so the largest stored energy after the slot is the minimum over the paths "j steps at L, then n - j
 *   on the taper" (j = 0..n), each affine in E: the slot's average charge power keeps to
 *       c[t] + (1 - r^m) / (eta_c dt) x E <= [(a'/a)(1 - r^m) + j h eta_c L r^m] / (eta_c dt),   m = n - j,
 *   for j = 0..n (j = n: c[t] <= L, a row only where the column's bound is above L). Exact: the plan's slot average is what the physics delivers with
 *   a setpoint at or above it (scenarios/taper-setpoint.ts finds it). Needs r > 0 (a step cannot pass the taper's
 *   zero): otherwise the constant form's row with theta = 1 stands in (conservative).
 */
interface TaperForm {
  readonly rows: readonly TaperRow[];
  readonly stepped: boolean;
  readonly theta: number;
}

function taperRowsOf(taper: ChargeTaper, capacityKwh: number, etaC: number, etaD: number, dt: number): TaperForm {
  const a = (taper.fullPowerKw * taperSlope(taper)) / capacityKwh;
  if (!(a > 0)) return { rows: [], stepped: false, theta: 1 };
  const rhsBase = taper.fullPowerKw * (1 + taperSlope(taper) * taper.startSoc);
  const n = taper.stepsPerSlot;
  const h = n !== undefined ? dt / n : dt;
  const r = 1 - a * h * etaC;
  if (n === undefined || !(r > 0)) {
    const theta = n === undefined ? (taper.checkAtSlotFraction ?? 1) : 1;
    return { rows: [{ cCoef: 1 + a * theta * dt * etaC, xCoef: (-a * theta * dt) / etaD, withX: true, g: a, rhs: rhsBase }], stepped: false, theta };
  }
  const rows: TaperRow[] = [];
  for (let j = 0; j <= n; j++) {
    const rm = r ** (n - j);
    rows.push({ cCoef: 1, xCoef: 0, withX: false, g: (1 - rm) / (etaC * dt), rhs: ((rhsBase / a) * (1 - rm) + j * h * etaC * taper.fullPowerKw * rm) / (etaC * dt) });
  }
  return { rows, stepped: true, theta: 1 };
}

/**
 * Which of the rows a vehicle gets in a slot whose charge bound is `boundKw` (kW), when it can hold at most
 * `highestKwh` and at least `lowestKwh` at the slot's start. Constant form: its row where the limit at the check
 * point (the highest start energy plus theta of the slot at the bound) is below the bound. Stepped form: each row
 * whose limit at the highest energy is below the bound (the limits fall with the energy), and a path row (index >= 1)
 * only when it is below the all-taper row at the lowest energy (their difference rises with the energy, so a path row
 * above it there is above it everywhere and cannot bind).
 */
function rowsFor(form: TaperForm, taper: ChargeTaper, capacityKwh: number, gainKwh: number, boundKw: number, highestKwh: number, lowestKwh: number): readonly TaperRow[] {
  const { rows } = form;
  if (!form.stepped) {
    const checkKwh = Math.min(capacityKwh, highestKwh + form.theta * gainKwh);
    return taperLimitKw(taper, checkKwh / capacityKwh) < boundKw - bindToleranceKw ? rows : [];
  }
  const first = rows[0]!;
  return rows.filter((row, i) => row.rhs - row.g * highestKwh < boundKw - bindToleranceKw && (i === 0 || row.rhs - row.g * lowestKwh < first.rhs - first.g * lowestKwh));
}

/**
 * Adds vehicle `v`'s taper rows over its charge columns `c` and discharge columns `x` (per slot, -1 = none). With
 * the chain form's energy columns (`energyAtEnd`) a row reads the slot's start energy from one column (3-4
 * nonzeros); without, from the prefix sum of the earlier slots' powers (up to 2 per earlier slot).
 */
function addVehicleTaperRows(
  b: LinearProgramBuilder,
  rp: ResolvedProblem,
  v: ResolvedVehicle,
  taper: ChargeTaper,
  c: Int32Array,
  x: Int32Array,
  energyAtEnd: Int32Array | undefined,
  count: TaperRowCount,
): void {
  const dt = rp.slotHours;
  const form = taperRowsOf(taper, v.capacityKwh, v.chargeEfficiency, v.dischargeEfficiency, dt);
  if (form.rows.length === 0) return;
  const stay = Math.max(0, v.endSlot - v.arrivalSlot);
  // The earlier slots' columns (a charge or a discharge column each), grown slot by slot; a row scales them by its g:
  // g dt eta_c on charge, -g dt / eta_d on discharge (written in that order: the constant form's coefficients as before).
  const cols = new Int32Array(2 * stay + 2);
  const charges = new Uint8Array(2 * stay + 2);
  const scaled = new Float64Array(2 * stay + 2);
  let n = 0;
  let highestKwh = v.initialEnergyKwh; // the most the vehicle can hold at the start of slot t
  const lowestKwh = v.maxDischargeKw.some((kw) => kw > 0) ? 0 : v.initialEnergyKwh;
  for (let t = v.arrivalSlot; t < v.endSlot; t++) {
    const bound = v.maxChargeKw[t]!;
    const gainKwh = dt * v.chargeEfficiency * bound;
    if (c[t]! >= 0) {
      for (const row of rowsFor(form, taper, v.capacityKwh, gainKwh, bound, highestKwh, lowestKwh)) {
        const startCol = energyAtEnd !== undefined && t > v.arrivalSlot ? energyAtEnd[t - 1]! : -1;
        if (startCol >= 0) b.entry(startCol, row.g);
        else {
          for (let i = 0; i < n; i++) scaled[i] = charges[i] ? row.g * dt * v.chargeEfficiency : (-row.g * dt) / v.dischargeEfficiency;
          b.entries(cols, scaled, n);
        }
        b.entry(c[t]!, row.cCoef);
        if (x[t]! >= 0 && row.withX) b.entry(x[t]!, row.xCoef);
        b.endRow(-Infinity, row.rhs - (startCol >= 0 ? 0 : row.g * v.initialEnergyKwh));
        count.rows++;
        count.nonzeros += (startCol >= 0 ? 1 : n) + 1 + (x[t]! >= 0 && row.withX ? 1 : 0);
      }
    }
    if (c[t]! >= 0) {
      cols[n] = c[t]!;
      charges[n++] = 1;
    }
    if (x[t]! >= 0) {
      cols[n] = x[t]!;
      charges[n++] = 0;
    }
    highestKwh = Math.min(v.capacityKwh, highestKwh + gainKwh);
  }
}

/**
 * Nonzeros the taper rows would have in the prefix energy form (no energy columns: each row sums the earlier
 * slots' powers), with the same rule as `addVehicleTaperRows` for which slots get a row. The energy form's choice
 * counts them (energy-rows.ts `chooseEnergyForm`): on long stays they are quadratic in the stay, like the prefix
 * form's own capacity rows (a Caltech month at 5-minute slots: about 7 M, against 0.4 M in the chain form).
 */
export function taperPrefixNonzeros(rp: ResolvedProblem): number {
  let total = 0;
  for (const v of rp.vehicles) {
    const taper = rp.source.vehicles[v.index]?.chargeTaper;
    if (taper === undefined) continue;
    const dt = rp.slotHours;
    const form = taperRowsOf(taper, v.capacityKwh, v.chargeEfficiency, v.dischargeEfficiency, dt);
    if (form.rows.length === 0) continue;
    let earlier = 0;
    let highestKwh = v.initialEnergyKwh;
    const lowestKwh = v.maxDischargeKw.some((kw) => kw > 0) ? 0 : v.initialEnergyKwh;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const bound = v.maxChargeKw[t]!;
      const charges = bound > 0;
      const discharges = v.maxDischargeKw[t]! > 0;
      const gainKwh = dt * v.chargeEfficiency * bound;
      if (charges) for (const row of rowsFor(form, taper, v.capacityKwh, gainKwh, bound, highestKwh, lowestKwh)) total += earlier + 1 + (discharges && row.withX ? 1 : 0);
      earlier += (charges ? 1 : 0) + (discharges ? 1 : 0);
      highestKwh = Math.min(v.capacityKwh, highestKwh + gainKwh);
    }
  }
  return total;
}

/** Adds the taper rows of every vehicle with a `chargeTaper`; returns how many rows and nonzeros. */
export function addTaperRows(
  b: LinearProgramBuilder,
  rp: ResolvedProblem,
  charge: readonly Int32Array[],
  discharge: readonly Int32Array[],
  energyAtEnd: readonly (Int32Array | undefined)[] = [],
): TaperRowCount {
  const count: TaperRowCount = { rows: 0, nonzeros: 0 };
  rp.vehicles.forEach((v, i) => {
    const taper = rp.source.vehicles[v.index]?.chargeTaper;
    if (taper !== undefined) addVehicleTaperRows(b, rp, v, taper, charge[i]!, discharge[i]!, energyAtEnd[i], count);
  });
  return count;
}
