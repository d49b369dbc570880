/**
 * The fleet LP of ARCHITECTURE.md ("The optimisation problem"), built from a `ResolvedProblem`.
 * See optimizer/README.md for the model in full. Integer variables are added only for the vehicle-slots
 * and site slots listed in `IntegerSets` (the lazy loop in solve-problem.ts decides which).
 */
import { LinearProgramBuilder, type LinearProgram } from './linear-program.ts';
import type { ResolvedProblem } from './resolved-problem.ts';
import { addKnownNetworkRows, type NetworkRows } from './network/lazy-rows.ts';
import { prefixNonzeros, vehicleEnergyRows, type EnergyForm, type TargetRow } from './energy-rows.ts';
import { addTaperRows, type TaperRowCount } from './taper-rows.ts';
import { addDemandChargeRows } from './demand-charge-rows.ts';

/** Where each decision lives in the LP's column vector (-1 = no column: the variable is fixed at 0). */
export interface ColumnMap {
  /** Per vehicle, per slot: charge power column (kW). */
  readonly charge: Int32Array[];
  /** Per vehicle, per slot: discharge power column (kW). */
  readonly discharge: Int32Array[];
  readonly importKw: Int32Array;
  readonly importExcessKw: Int32Array;
  readonly exportKw: Int32Array;
  readonly exportExcessKw: Int32Array;
  readonly pvCurtailedKw: Int32Array;
}

/**
 * Vehicle-slots and site slots that get binaries: a vehicle-slot gets a charge-mode and a discharge-mode
 * binary (never both on; minimum powers enforced when on); a site slot gets an import-or-export binary.
 * Keys of `vehicleSlots` are `vehicleIndex * slotCount + slot`.
 */
export interface IntegerSets {
  readonly vehicleSlots: ReadonlySet<number>;
  readonly siteSlots: ReadonlySet<number>;
}

export const noIntegers: IntegerSets = { vehicleSlots: new Set(), siteSlots: new Set() };

/** A built model and its column map. */
export interface Formulation {
  readonly lp: LinearProgram;
  readonly columns: ColumnMap;
  /**
   * The network's rows (optimizer/network/lazy-rows.ts): built in only where an earlier model of the same
   * problem needed them; open the model with `withLazyNetworkRows` so solves add the rest as they bind.
   */
  readonly networkRows: NetworkRows;
  /** Every mode binary (none in the LP) and the power columns it switches on: a MIP start sets it to 1 where they carry power. */
  readonly modeSwitches: readonly ModeSwitch[];
  /** How stored energy enters the model (energy-rows.ts). */
  readonly energyForm: EnergyForm;
  /** Rows (and nonzeros) of the vehicles' charge tapers (taper-rows.ts); zero without `chargeTaper`. */
  readonly taperRows: TaperRowCount;
  /** Per vehicle: its target row and shortfall column (-1 where it has no target). */
  readonly targets: readonly TargetRow[];
  /** Per slot: the site's balance row (import - export - sum(charge - discharge) - curtailed = base - pv). */
  readonly balanceRows: Int32Array;
}

/** A binary column of the MILP and the continuous columns it switches (charge, discharge, or import). */
export interface ModeSwitch {
  readonly binary: number;
  readonly switched: readonly number[];
}

/**
 * The LP (or, with `integers`, the MILP) of a resolved problem, in HiGHS CSR form, and where each decision
 * lives in its column vector. Powers are kW, energies kWh, costs in the problem's currency.
 */
export function buildFormulation(rp: ResolvedProblem, integers: IntegerSets = noIntegers, energyForm: EnergyForm = 'chain'): Formulation {
  const T = rp.slotCount;
  const dt = rp.slotHours;
  let stayedSlots = 0;
  for (const v of rp.vehicles) stayedSlots += v.endSlot - v.arrivalSlot;
  // Sized up front: the prefix form's energy rows hold most of its nonzeros (about 1.2 M at 1,000 generated vehicles),
  // and growing the arrays by doubling copied them about twice over (issue 12, session 5).
  const energyNonzeros = energyForm === 'prefix' ? prefixNonzeros(rp) : 4 * stayedSlots;
  const b = new LinearProgramBuilder(3 * stayedSlots + 4 * T + rp.demandChargePeriods.length, stayedSlots + 2 * T, energyNonzeros + 4 * stayedSlots + 4 * T);

  const charge: Int32Array[] = [];
  const discharge: Int32Array[] = [];
  const energyAtEnd: (Int32Array | undefined)[] = [];
  const targets: TargetRow[] = [];
  for (const v of rp.vehicles) {
    const c = new Int32Array(T).fill(-1);
    const x = new Int32Array(T).fill(-1);
    const degradation = dt * v.degradationCostPerKwh;
    // A regulariser steering the solver among near-equal plans; not billed (plan-assembly leaves it out).
    const preference = rp.source.vehicles[v.index]?.chargePreferencePerKwh;
    const energy = vehicleEnergyRows(b, rp, v, c, x, energyForm);
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      if (v.maxChargeKw[t]! > 0) c[t] = b.addCol(degradation + dt * (preference?.[t] ?? 0), 0, v.maxChargeKw[t]!);
      if (v.maxDischargeKw[t]! > 0) x[t] = b.addCol(degradation, 0, v.maxDischargeKw[t]!);
      energy.afterSlot(t);
    }
    targets.push(energy.finish());
    charge.push(c);
    discharge.push(x);
    energyAtEnd.push(energy.energyAtEnd);
  }
  const taperRows = addTaperRows(b, rp, charge, discharge, energyAtEnd);

  const importKw = new Int32Array(T).fill(-1);
  const importExcessKw = new Int32Array(T).fill(-1);
  const exportKw = new Int32Array(T).fill(-1);
  const exportExcessKw = new Int32Array(T).fill(-1);
  const pvCurtailedKw = new Int32Array(T).fill(-1);
  const balanceRows = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const price = rp.importPricePerKwh[t]!;
    const exportPrice = rp.exportPricePerKwh[t]!;
    const netBase = rp.netBaseKw[t]!;
    importKw[t] = b.addCol(dt * price, 0, rp.importLimitKw[t]!);
    // Excess is capped at what the site forces with every vehicle idle: vehicles never add to an overload.
    if (netBase > rp.importLimitKw[t]!) {
      importExcessKw[t] = b.addCol(dt * (price + rp.limitExcessPenaltyPerKwh), 0, netBase - rp.importLimitKw[t]!);
    }
    if (rp.exportLimitKw[t]! > 0) exportKw[t] = b.addCol(-dt * exportPrice, 0, rp.exportLimitKw[t]!);
    if (rp.pvCurtailable && rp.pvKw[t]! > 0) pvCurtailedKw[t] = b.addCol(0, 0, rp.pvKw[t]!);
    else if (-netBase > rp.exportLimitKw[t]!) {
      exportExcessKw[t] = b.addCol(dt * (rp.limitExcessPenaltyPerKwh - exportPrice), 0, -netBase - rp.exportLimitKw[t]!);
    }
    // import - export - sum(charge - discharge) - curtailed = base - pv
    b.entry(importKw[t]!, 1);
    if (importExcessKw[t]! >= 0) b.entry(importExcessKw[t]!, 1);
    if (exportKw[t]! >= 0) b.entry(exportKw[t]!, -1);
    if (exportExcessKw[t]! >= 0) b.entry(exportExcessKw[t]!, -1);
    if (pvCurtailedKw[t]! >= 0) b.entry(pvCurtailedKw[t]!, -1);
    for (let i = 0; i < charge.length; i++) {
      const c = charge[i]![t]!;
      const x = discharge[i]![t]!;
      if (c >= 0) b.entry(c, -1);
      if (x >= 0) b.entry(x, 1);
    }
    balanceRows[t] = b.endRow(netBase, netBase);
  }

  const networkRows = addKnownNetworkRows(b, rp, charge, discharge);

  addDemandChargeRows(b, rp, importKw, importExcessKw);

  const modeSwitches: ModeSwitch[] = [];
  addVehicleModeBinaries(b, rp, integers.vehicleSlots, charge, discharge, modeSwitches);
  addSiteDirectionBinaries(b, rp, integers.siteSlots, charge, discharge, modeSwitches, {
    importKw,
    importExcessKw,
    exportKw,
    exportExcessKw,
  });

  return {
    lp: b.build(),
    columns: { charge, discharge, importKw, importExcessKw, exportKw, exportExcessKw, pvCurtailedKw },
    networkRows,
    modeSwitches,
    energyForm,
    taperRows,
    targets,
    balanceRows,
  };
}

function addVehicleModeBinaries(
  b: LinearProgramBuilder,
  rp: ResolvedProblem,
  keys: ReadonlySet<number>,
  charge: Int32Array[],
  discharge: Int32Array[],
  switches: ModeSwitch[],
): void {
  const T = rp.slotCount;
  for (const key of [...keys].sort((a, z) => a - z)) {
    const i = Math.floor(key / T);
    const t = key % T;
    const v = rp.vehicles[i]!;
    const c = charge[i]![t]!;
    const x = discharge[i]![t]!;
    let z = -1;
    let w = -1;
    if (c >= 0) {
      z = b.addCol(0, 0, 1, true);
      switches.push({ binary: z, switched: [c] });
      b.entry(c, 1);
      b.entry(z, -v.maxChargeKw[t]!);
      b.endRow(-Infinity, 0);
      if (v.minChargeKw > 0) {
        b.entry(c, 1);
        b.entry(z, -v.minChargeKw);
        b.endRow(0, Infinity);
      }
    }
    if (x >= 0) {
      w = b.addCol(0, 0, 1, true);
      switches.push({ binary: w, switched: [x] });
      b.entry(x, 1);
      b.entry(w, -v.maxDischargeKw[t]!);
      b.endRow(-Infinity, 0);
      if (v.minDischargeKw > 0) {
        b.entry(x, 1);
        b.entry(w, -v.minDischargeKw);
        b.endRow(0, Infinity);
      }
    }
    if (z >= 0 && w >= 0) {
      b.entry(z, 1);
      b.entry(w, 1);
      b.endRow(-Infinity, 1);
    }
  }
}

function addSiteDirectionBinaries(
  b: LinearProgramBuilder,
  rp: ResolvedProblem,
  slots: ReadonlySet<number>,
  charge: Int32Array[],
  discharge: Int32Array[],
  switches: ModeSwitch[],
  site: Pick<ColumnMap, 'importKw' | 'importExcessKw' | 'exportKw' | 'exportExcessKw'>,
): void {
  for (const t of [...slots].sort((a, z) => a - z)) {
    const curtailableKw = rp.pvCurtailable ? rp.pvKw[t]! : 0;
    let maxImport = Math.max(0, rp.netBaseKw[t]! + curtailableKw);
    let maxExport = Math.max(0, -rp.netBaseKw[t]!);
    rp.vehicles.forEach((v, i) => {
      if (charge[i]![t]! >= 0) maxImport += v.maxChargeKw[t]!;
      if (discharge[i]![t]! >= 0) maxExport += v.maxDischargeKw[t]!;
    });
    const s = b.addCol(0, 0, 1, true); // 1 = importing, 0 = exporting
    switches.push({ binary: s, switched: [site.importKw[t]!, site.importExcessKw[t]!].filter((col) => col >= 0) });
    b.entry(site.importKw[t]!, 1);
    if (site.importExcessKw[t]! >= 0) b.entry(site.importExcessKw[t]!, 1);
    b.entry(s, -maxImport);
    b.endRow(-Infinity, 0);
    if (site.exportKw[t]! >= 0 || site.exportExcessKw[t]! >= 0) {
      if (site.exportKw[t]! >= 0) b.entry(site.exportKw[t]!, 1);
      if (site.exportExcessKw[t]! >= 0) b.entry(site.exportExcessKw[t]!, 1);
      b.entry(s, maxExport);
      b.endRow(-Infinity, maxExport);
    }
  }
}

/** Net power per vehicle and slot (kW): charge minus discharge. */
export function extractPowers(rp: ResolvedProblem, columns: ColumnMap, x: ArrayLike<number>): Float64Array[] {
  return rp.vehicles.map((_, i) => {
    const c = columns.charge[i]!;
    const d = columns.discharge[i]!;
    const p = new Float64Array(rp.slotCount);
    for (let t = 0; t < rp.slotCount; t++) {
      p[t] = (c[t]! >= 0 ? x[c[t]!]! : 0) - (d[t]! >= 0 ? x[d[t]!]! : 0);
    }
    return p;
  });
}

/** PV curtailed per slot (kW) as the solver chose it. */
export function extractCurtailment(rp: ResolvedProblem, columns: ColumnMap, x: ArrayLike<number>): Float64Array {
  const u = new Float64Array(rp.slotCount);
  for (let t = 0; t < rp.slotCount; t++) {
    const col = columns.pvCurtailedKw[t]!;
    u[t] = col >= 0 ? x[col]! : 0;
  }
  return u;
}
