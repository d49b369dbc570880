/**
 * Mode conflicts: where an LP answer breaks a rule the LP relaxation does not enforce - a vehicle charging
 * and discharging in one slot, a power between 0 and a charger's minimum, the site importing and exporting
 * at once. The repair (solve-problem.ts) and the lazy MILP (lazy-milp.ts) both start from them.
 */
import type { ColumnMap } from './formulation.ts';
import type { ResolvedProblem } from './resolved-problem.ts';

/** Power below this (kW) counts as off when looking for mode conflicts. */
export const modeToleranceKw = 1e-6;

export interface ModeConflict {
  readonly kind: 'both-directions' | 'low-charge' | 'low-discharge';
  readonly vehicle: number;
  readonly slot: number;
  readonly chargeKw: number;
  readonly dischargeKw: number;
}

export interface SiteConflict {
  readonly slot: number;
  readonly importKw: number;
  readonly exportKw: number;
  /**
   * What the site would exchange with the grid before any PV curtailment (kW, positive = import): base load
   * - PV + the vehicles' net power. The relaxation's import and export are artificial in a conflict slot (it
   * buys and sells the same kW, and curtails PV for free to buy more), so this, not their sizes, says which
   * way the site really flows.
   */
  readonly uncurtailedNetKw: number;
}

/** The conflicts of one answer. */
export interface ModeConflicts {
  readonly vehicles: readonly ModeConflict[];
  readonly site: readonly SiteConflict[];
  readonly count: number;
}

/** Vehicle-slots and site slots whose answer breaks a rule the LP relaxation does not enforce. */
export function findModeConflicts(rp: ResolvedProblem, columns: ColumnMap, x: ArrayLike<number>): ModeConflicts {
  const vehicles: ModeConflict[] = [];
  const site: SiteConflict[] = [];
  const value = (col: number) => (col >= 0 ? x[col]! : 0);
  const vehicleNetKw = new Float64Array(rp.slotCount);
  rp.vehicles.forEach((v, i) => {
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const chargeKw = value(columns.charge[i]![t]!);
      const dischargeKw = value(columns.discharge[i]![t]!);
      vehicleNetKw[t]! += chargeKw - dischargeKw;
      // Inline comparisons (no closure per vehicle-slot: this runs after every LP and repair round).
      const charging = chargeKw > modeToleranceKw;
      const discharging = dischargeKw > modeToleranceKw;
      let kind: ModeConflict['kind'] | undefined;
      if (charging && discharging) kind = 'both-directions';
      else if (charging && chargeKw < v.minChargeKw - modeToleranceKw) kind = 'low-charge';
      else if (discharging && dischargeKw < v.minDischargeKw - modeToleranceKw) kind = 'low-discharge';
      if (kind) vehicles.push({ kind, vehicle: i, slot: t, chargeKw, dischargeKw });
    }
  });
  for (let t = 0; t < rp.slotCount; t++) {
    const importKw = value(columns.importKw[t]!) + value(columns.importExcessKw[t]!);
    const exportKw = value(columns.exportKw[t]!) + value(columns.exportExcessKw[t]!);
    if (importKw > modeToleranceKw && exportKw > modeToleranceKw) {
      site.push({ slot: t, importKw, exportKw, uncurtailedNetKw: rp.netBaseKw[t]! + vehicleNetKw[t]! });
    }
  }
  return { vehicles, site, count: vehicles.length + site.length };
}

