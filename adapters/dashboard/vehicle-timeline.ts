/**
 * The dashboard's per-vehicle timeline rows: plug window, planned power and state of charge per slot, the
 * target at departure, V2G consent and any shortfall with its reason, one row per session of the site (sessions
 * the plan dropped or that came after it are rows too, saying so). Computed once per plan and session list:
 * the rows of a site are kept until its plan, its sessions (ids, revisions, updates) or the site change.
 *
 * Compact on purpose (a 1,000-vehicle page is the dashboard's heaviest read): a vehicle's power and state of
 * charge are sent over its plug window only (outside it the power is zero and the state of charge does not
 * move), so a row carries tens of numbers instead of two arrays over the whole horizon.
 */
import { resolveProblem, type ResolvedVehicle } from '../../optimizer/resolved-problem.ts';
import type { PlanRecord, SessionRecord, SiteRecord } from '../store/records.ts';
import { wireInstant } from '../http/wire-time.ts';

const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * One session on the timeline. Slot indices refer to the plan's `site.slots`; SoC values are percent of
 * capacity. The series cover the plug window only: `powerKw[i]` is slot `plugSlots.from + i`, `socPct[i]` the
 * boundary before it (so `socPct` has one value more, the last at `plugSlots.to`).
 */
export interface VehicleRow {
  readonly sessionId: string;
  readonly chargerId: string;
  readonly vehicleId?: string;
  readonly arrival: string;
  readonly departure: string;
  readonly capacityKwh: number;
  /** First slot plugged in and the slot of departure (exclusive), clipped to the horizon; absent when not planned. */
  readonly plugSlots?: { readonly from: number; readonly to: number };
  /** Planned power per slot of the plug window (kW, + charge, - discharge; length to - from); empty when not planned. */
  readonly powerKw: readonly number[];
  /** State of charge at each slot boundary of the plug window (%, length to - from + 1); empty when not planned. */
  readonly socPct: readonly number[];
  readonly targetSocPct?: number;
  /** Planned state of charge at departure (or at the horizon's end, for a later departure). */
  readonly departureSocPct?: number;
  readonly v2gConsent: boolean;
  /** Whether the plan may discharge this vehicle (consent and a charger that can). */
  readonly v2gPlanned: boolean;
  readonly shortfallKwh: number;
  /** Why the plan leaves energy missing, or why the session is not in the plan. */
  readonly reason?: string;
  readonly planned: 'planned' | 'dropped' | 'after-plan';
}

/** Most energy the vehicle could hold at departure charging at full power over its whole stay (kWh). */
function reachableKwh(v: ResolvedVehicle, slotHours: number): number {
  let e = v.initialEnergyKwh;
  for (let t = v.arrivalSlot; t < v.endSlot; t++) e += v.maxChargeKw[t]! * v.chargeEfficiency * slotHours;
  return Math.min(e, v.capacityKwh);
}

function shortfallReason(v: ResolvedVehicle, slotHours: number, shortfallKwh: number): string | undefined {
  if (shortfallKwh <= 0.0005) return undefined;
  const reachable = reachableKwh(v, slotHours);
  if (reachable + 0.001 < v.targetEnergyKwh) {
    return `target ${r1(v.targetEnergyKwh)} kWh cannot be reached: full charger power over the stay gives at most ${r1(reachable)} kWh`;
  }
  return `the site's limits (import limit, dispatch or network) or prices left too little power before departure: ${r1(shortfallKwh)} kWh missing`;
}

function sessionBase(s: SessionRecord, zone: string) {
  return {
    sessionId: s.id,
    chargerId: s.chargerId,
    ...(s.vehicleId !== undefined ? { vehicleId: s.vehicleId } : {}),
    arrival: wireInstant(s.arrivalUtcMs, zone),
    departure: wireInstant(s.departureUtcMs, zone),
    capacityKwh: s.capacityKwh,
    v2gConsent: s.v2gConsent,
    ...(s.targetSocPercent !== undefined ? { targetSocPct: s.targetSocPercent } : s.targetEnergyKwh !== undefined ? { targetSocPct: r1((100 * s.targetEnergyKwh) / s.capacityKwh) } : {}),
  };
}

const planned = new WeakMap<PlanRecord, Map<string, Omit<VehicleRow, keyof ReturnType<typeof sessionBase>> & { targetSocPct: number }>>();

/** Per planned vehicle: what the plan says (cached per plan). */
function plannedRows(record: PlanRecord) {
  let rows = planned.get(record);
  if (rows) return rows;
  const rp = resolveProblem(record.problem);
  const byId = new Map(rp.vehicles.map((v) => [v.id, v]));
  rows = new Map();
  for (const pv of record.plan.vehicles) {
    const v = byId.get(pv.id);
    if (!v) continue;
    const pct = (kwh: number) => r1((100 * kwh) / v.capacityKwh);
    const end = Math.min(v.departureSlot, rp.slotCount);
    const reason = shortfallReason(v, rp.slotHours, pv.shortfallKwh);
    rows.set(pv.id, {
      plugSlots: { from: v.arrivalSlot, to: end },
      powerKw: pv.powerKw.slice(v.arrivalSlot, end).map(r3),
      socPct: pv.energyKwh.slice(v.arrivalSlot, end + 1).map(pct),
      targetSocPct: pct(v.targetEnergyKwh),
      departureSocPct: pct(pv.energyKwh[end]!),
      v2gPlanned: v.maxDischargeKw.some((kw) => kw > 0),
      shortfallKwh: r3(pv.shortfallKwh),
      ...(reason !== undefined ? { reason } : {}),
      planned: 'planned' as const,
    });
  }
  planned.set(record, rows);
  return rows;
}

/** The rows last built per site, with what they were built from. */
const built = new Map<string, { readonly record: PlanRecord | undefined; readonly key: string; readonly rows: readonly VehicleRow[] }>();

/** The timeline rows of `sessions` under the plan in force (sorted by departure, then id); the same array while nothing changed. */
export function vehicleRows(site: SiteRecord, sessions: readonly SessionRecord[], record: PlanRecord | undefined): readonly VehicleRow[] {
  const key = `${site.revision}\u0000${site.updatedAtUtcMs}\u0000${sessions.map((s) => `${s.id}:${s.revision}:${s.updatedAtUtcMs}`).join('\u0000')}`;
  const last = built.get(site.id);
  if (last && last.record === record && last.key === key) return last.rows;
  const rows = buildRows(site, sessions, record);
  built.set(site.id, { record, key, rows });
  return rows;
}

function buildRows(site: SiteRecord, sessions: readonly SessionRecord[], record: PlanRecord | undefined): VehicleRow[] {
  const zone = site.timeZone;
  const rows = record ? plannedRows(record) : new Map();
  const dropped = new Map((record?.droppedSessions ?? []).map((d) => [d.id, d.message]));
  return [...sessions]
    .sort((a, b) => a.departureUtcMs - b.departureUtcMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((s): VehicleRow => {
      const base = sessionBase(s, zone);
      const p = rows.get(s.id);
      if (p) return { ...base, ...p, targetSocPct: base.targetSocPct ?? p.targetSocPct };
      const droppedWhy = dropped.get(s.id);
      return {
        ...base,
        powerKw: [],
        socPct: [],
        v2gPlanned: false,
        shortfallKwh: 0,
        planned: droppedWhy !== undefined ? 'dropped' : 'after-plan',
        reason: droppedWhy ?? (record ? 'changed or plugged in after the plan in force was made; the re-plan is queued' : 'no plan yet'),
      };
    });
}
