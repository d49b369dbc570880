/**
 * Vehicles described with instants (as a depot or a charger reports them) turned into the optimizer's
 * slot-indexed vehicles, following the rules of `plug-window.ts`.
 *
 * Energy inputs: either kWh or percent of capacity for the current energy, the target and the reserve.
 * The current energy is the latest reading: for a vehicle already plugged in it is taken as the energy at
 * the horizon start, for one arriving later as the energy on arrival (nothing charges before the first
 * whole slot). Charger limits: kW (`maxChargeKw`) and/or an AC limit in amps x phases x voltage, which the
 * optimizer turns into kW (A x V x phases / 1000). With V2G the discharge limit defaults to the charge limit.
 */
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Vehicle } from '../optimizer/problem.ts';
import { GridInputError, type GridErrorCode, type GridIssue } from './errors.ts';
import { instantInputToUtcMs } from './instant-input.ts';
import type { LocalTimePolicy } from './local-time.ts';
import { plugWindow, type DropReason } from './plug-window.ts';
import { schemaIssues } from '../optimizer/schema-issues.ts';
import type { SlotGrid } from './slot-grid.ts';

const InstantSchema = Type.Union([
  Type.Integer({ description: 'UTC epoch ms' }),
  Type.String({ description: 'RFC 3339 with offset' }),
  Type.Object({ localTime: Type.String(), zone: Type.String() }, { additionalProperties: false }),
]);
const kW = (description: string) => Type.Optional(Type.Number({ minimum: 0, description }));
const percent = (description: string) => Type.Optional(Type.Number({ minimum: 0, maximum: 100, description }));
const kWh = (description: string) => Type.Optional(Type.Number({ minimum: 0, description }));

/** A vehicle as reported: instants, energies, charger limits. */
export const VehicleAtInstantsSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    chargerId: Type.String({ minLength: 1 }),
    arrival: InstantSchema,
    departure: InstantSchema,
    capacityKwh: Type.Number({ exclusiveMinimum: 0, description: 'usable battery capacity (kWh)' }),
    energyKwh: kWh('energy now / on arrival (kWh); or socPercent'),
    socPercent: percent('state of charge now / on arrival (%); or energyKwh'),
    targetEnergyKwh: kWh('energy wanted at departure (kWh); or targetSocPercent'),
    targetSocPercent: percent('state of charge wanted at departure (%); or targetEnergyKwh'),
    minEnergyKwh: kWh('reserve never discharged below (kWh)'),
    minSocPercent: percent('reserve never discharged below (%)'),
    charger: Type.Object(
      {
        maxChargeKw: kW('charge power limit (kW)'),
        minChargeKw: kW('minimum charge power when charging (kW)'),
        maxCurrentA: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'AC current limit per phase (A)' })),
        minCurrentA: Type.Optional(Type.Number({ minimum: 0, description: 'AC minimum current per phase (A), IEC 61851: 6' })),
        phases: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)])),
        voltageV: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'phase-to-neutral voltage (V)' })),
      },
      { additionalProperties: false },
    ),
    v2gAllowed: Type.Optional(Type.Boolean()),
    maxDischargeKw: kW('discharge power limit (kW); default the charge limit when V2G is allowed'),
    chargeEfficiency: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    dischargeEfficiency: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    degradationCostPerKwh: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** See `VehicleAtInstantsSchema`. */
export type VehicleAtInstants = Static<typeof VehicleAtInstantsSchema>;

const compiled = Compile(VehicleAtInstantsSchema);

/** A vehicle left out of the problem, and why. */
export interface DroppedVehicle {
  readonly id: string;
  readonly reason: DropReason;
  readonly message: string;
}

function exactlyOne(v: Record<string, unknown>, a: string, b: string, at: string, issues: GridIssue[], optional = false): void {
  const n = (v[a] !== undefined ? 1 : 0) + (v[b] !== undefined ? 1 : 0);
  if (n === 2) issues.push({ path: `${at}/${b}`, message: `give ${a} or ${b}, not both` });
  else if (n === 0 && !optional) issues.push({ path: `${at}/${a}`, message: `${a} or ${b} is required` });
}

/** kWh given directly or as percent of capacity; 100 % is exactly the capacity (no rounding above it). */
function kwh(v: VehicleAtInstants, energy: number | undefined, pct: number | undefined): number | undefined {
  return energy ?? (pct === undefined ? undefined : Math.min(v.capacityKwh, v.capacityKwh * (pct / 100)));
}

/**
 * Maps vehicles to the optimizer's vehicles on `grid`. Vehicles plugged in for less than one whole slot of
 * the horizon are returned in `dropped`. Throws `V2G_ERR_VEHICLE_INPUT` (or a time error code) listing every
 * problem of every vehicle.
 */
export function vehiclesOnGrid(
  grid: SlotGrid,
  vehicles: readonly unknown[],
  policy: LocalTimePolicy = {},
): { vehicles: Vehicle[]; dropped: DroppedVehicle[] } {
  const issues: GridIssue[] = [];
  const timeCodes = new Map<GridIssue, GridErrorCode>(); // issues from reading an instant, with their code
  const out: Vehicle[] = [];
  const dropped: DroppedVehicle[] = [];
  const ids = new Map<string, number>();
  vehicles.forEach((raw, i) => {
    const at = `/${i}`;
    if (!compiled.Check(raw)) {
      issues.push(...schemaIssues(compiled, raw).map((x) => ({ ...x, path: `${at}${x.path === '/' ? '' : x.path}` })));
      return;
    }
    const v = raw;
    const before = issues.length;
    const prev = ids.get(v.id);
    if (prev !== undefined) issues.push({ path: `${at}/id`, message: `duplicate id "${v.id}" (also /${prev})` });
    else ids.set(v.id, i);
    const rec = v as unknown as Record<string, unknown>;
    exactlyOne(rec, 'energyKwh', 'socPercent', at, issues);
    exactlyOne(rec, 'targetEnergyKwh', 'targetSocPercent', at, issues);
    exactlyOne(rec, 'minEnergyKwh', 'minSocPercent', at, issues, true);
    const c = v.charger;
    const ac = [c.maxCurrentA, c.phases, c.voltageV].filter((x) => x !== undefined).length;
    if (ac !== 0 && ac !== 3) issues.push({ path: `${at}/charger`, message: 'an AC limit needs maxCurrentA, phases and voltageV together' });
    if (c.maxChargeKw === undefined && ac !== 3) issues.push({ path: `${at}/charger`, message: 'give maxChargeKw or an AC limit (maxCurrentA, phases, voltageV)' });
    if (c.minCurrentA !== undefined && c.maxCurrentA !== undefined && c.minCurrentA > c.maxCurrentA) {
      issues.push({ path: `${at}/charger/minCurrentA`, message: `exceeds maxCurrentA (${c.maxCurrentA})` });
    }
    const energy = kwh(v, v.energyKwh, v.socPercent);
    const target = kwh(v, v.targetEnergyKwh, v.targetSocPercent);
    const reserve = kwh(v, v.minEnergyKwh, v.minSocPercent);
    for (const [name, value] of [['energy', energy], ['target', target], ['reserve', reserve]] as const) {
      if (value !== undefined && value > v.capacityKwh) issues.push({ path: `${at}`, message: `the ${name} (${value} kWh) exceeds capacityKwh (${v.capacityKwh})` });
    }
    const arrival = instantInputToUtcMs(v.arrival, `${at}/arrival`, policy);
    const departure = instantInputToUtcMs(v.departure, `${at}/departure`, policy);
    for (const r of [arrival, departure]) {
      if (!r.ok) {
        issues.push(r.issue);
        timeCodes.set(r.issue, r.code);
      }
    }
    if (arrival.ok && departure.ok && departure.utcMs <= arrival.utcMs) {
      issues.push({ path: `${at}/departure`, message: 'is not after the arrival' });
    }
    if (issues.length > before || !arrival.ok || !departure.ok || energy === undefined || target === undefined) return;

    const w = plugWindow(grid, arrival.utcMs, departure.utcMs);
    if (w.kind === 'dropped') {
      dropped.push({ id: v.id, reason: w.reason, message: `vehicle "${v.id}" ${w.message}` });
      return;
    }
    const acLimit = ac === 3
      ? { maxCurrentA: c.maxCurrentA!, phases: c.phases!, voltageV: c.voltageV!, ...(c.minCurrentA !== undefined ? { minCurrentA: c.minCurrentA } : {}) }
      : undefined;
    const acKw = acLimit ? (acLimit.maxCurrentA * acLimit.voltageV * acLimit.phases) / 1000 : undefined;
    const chargeKw = Math.min(c.maxChargeKw ?? Infinity, acKw ?? Infinity);
    const v2g = v.v2gAllowed === true;
    out.push({
      id: v.id,
      chargerId: v.chargerId,
      arrivalSlot: w.arrivalSlot,
      departureSlot: w.departureSlot,
      energyKwh: energy,
      capacityKwh: v.capacityKwh,
      targetEnergyKwh: target,
      ...(reserve !== undefined ? { minEnergyKwh: reserve } : {}),
      ...(c.maxChargeKw !== undefined ? { maxChargeKw: c.maxChargeKw } : {}),
      ...(c.minChargeKw !== undefined ? { minChargeKw: c.minChargeKw } : {}),
      ...(acLimit ? { acLimit } : {}),
      ...(v2g ? { v2gAllowed: true, maxDischargeKw: v.maxDischargeKw ?? chargeKw } : {}),
      ...(v.chargeEfficiency !== undefined ? { chargeEfficiency: v.chargeEfficiency } : {}),
      ...(v.dischargeEfficiency !== undefined ? { dischargeEfficiency: v.dischargeEfficiency } : {}),
      ...(v.degradationCostPerKwh !== undefined ? { degradationCostPerKwh: v.degradationCostPerKwh } : {}),
    });
  });
  if (issues.length > 0) {
    // Only instants failed, all for the same reason (e.g. a nonexistent local time): keep that code.
    const codes = new Set(issues.map((x) => timeCodes.get(x) ?? 'V2G_ERR_VEHICLE_INPUT'));
    const code: GridErrorCode = codes.size === 1 ? [...codes][0]! : 'V2G_ERR_VEHICLE_INPUT';
    throw new GridInputError(code, 'The vehicles could not all be placed on the slot grid', issues);
  }
  return { vehicles: out, dropped };
}
