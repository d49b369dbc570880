/**
 * An optimizer Plan on a SlotGrid -> the per-EVSE absolute schedules `applyPlan` takes (pure).
 *
 * The optimizer names a vehicle's charger by `chargerId`; by default `"<chargePointId>/<evseId>"` maps to
 * that EVSE and a bare `"<chargePointId>"` to EVSE 1 (pass `resolve` for another convention).
 *
 * With `perSession` (what the service uses), each vehicle becomes its own schedule named by `sessionId` =
 * its id, carrying only its own setpoints: a transaction is sent only its own session's plan. Without it,
 * vehicles that use the same EVSE one after another are summed per slot into one schedule, which
 * `applyPlan` binds to the transaction running when it is applied.
 */
import type { SlotGrid } from '../../grid/slot-grid.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { ChargerPlanSet, EvseSchedule, StationCapSchedule } from './charger-plan.ts';
import { OcppError } from './errors.ts';

export type EvseResolver = (optimizerChargerId: string) => { chargerId: string; evseId: number };

export const defaultEvseResolver: EvseResolver = (id) => {
  const m = /^(.+)\/(\d+)$/.exec(id);
  return m ? { chargerId: m[1]!, evseId: Number(m[2]) } : { chargerId: id, evseId: 1 };
};

export interface PlanConversionOptions {
  readonly resolve?: EvseResolver;
  readonly planId?: string;
  /** One schedule per vehicle, named by `sessionId` = the vehicle id (default false: summed per EVSE). */
  readonly perSession?: boolean;
  /** Station caps per charge point (kW per slot of the same grid). */
  readonly stationCapsKw?: Readonly<Record<string, readonly number[]>>;
}

export function chargerPlanSetFromPlan(plan: Plan, grid: Pick<SlotGrid, 'startUtcMs' | 'slotMs' | 'slotCount'>, options: PlanConversionOptions = {}): ChargerPlanSet {
  if (grid.slotCount !== plan.slotCount || Math.abs(grid.slotMs - plan.slotHours * 3_600_000) > 1e-6) {
    throw new OcppError('V2G_ERR_OCPP_PLAN_INVALID', `the grid (${grid.slotCount} x ${grid.slotMs} ms) does not match the plan (${plan.slotCount} x ${plan.slotHours} h)`);
  }
  const resolve = options.resolve ?? defaultEvseResolver;
  const byEvse = new Map<string, { chargerId: string; evseId: number; sessionId?: string; powerKw: number[] }>();
  for (const v of plan.vehicles) {
    const { chargerId, evseId } = resolve(v.chargerId);
    const key = options.perSession ? `${chargerId}#${evseId}#${v.id}` : `${chargerId}#${evseId}`;
    const entry = byEvse.get(key) ?? { chargerId, evseId, ...(options.perSession ? { sessionId: v.id } : {}), powerKw: new Array<number>(plan.slotCount).fill(0) };
    v.powerKw.forEach((kw, t) => {
      entry.powerKw[t] = entry.powerKw[t]! + kw;
    });
    byEvse.set(key, entry);
  }
  const evses: EvseSchedule[] = [...byEvse.values()].map((e) => ({ ...e, startUtcMs: grid.startUtcMs, slotMs: grid.slotMs }));
  const stationCaps: StationCapSchedule[] = Object.entries(options.stationCapsKw ?? {}).map(([chargerId, maxPowerKw]) => ({
    chargerId, startUtcMs: grid.startUtcMs, slotMs: grid.slotMs, maxPowerKw,
  }));
  return { ...(options.planId !== undefined ? { planId: options.planId } : {}), evses, ...(stationCaps.length > 0 ? { stationCaps } : {}) };
}
