/**
 * "What changed at the last re-plan and why": the plan in force against the plan before it. Why = the triggers
 * the re-plan merged (a session, a dispatch, a signal upload, a schedule) and, when the latest attempt failed,
 * its error; what = cost, shortfall, peak import, vehicles and dispatches added or removed, and the vehicles
 * whose planned energy at departure moved.
 */
import type { PlanAttempt, PlanRecord } from '../store/records.ts';
import { costWithoutIncentives } from '../service/dispatch-incentive.ts';
import { wireInstant } from '../http/wire-time.ts';

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** A vehicle's planned energy at departure moved by more than this (kWh) counts as changed. */
export const energyChangeKwh = 0.1;

function departureEnergy(record: PlanRecord): Map<string, number> {
  const slots = new Map(record.problem.vehicles.map((v) => [v.id, Math.min(v.departureSlot, record.plan.slotCount)]));
  return new Map(record.plan.vehicles.map((v) => [v.id, v.energyKwh[slots.get(v.id) ?? record.plan.slotCount]!]));
}

export interface ReplanDiff {
  readonly planId: string;
  readonly createdAt: string;
  readonly triggers: readonly string[];
  readonly solver: string;
  readonly previousPlanId?: string;
  readonly previousCreatedAt?: string;
  readonly netCostChange?: number;
  readonly shortfallKwhChange?: number;
  readonly peakImportKwChange?: number;
  readonly vehiclesAdded: readonly string[];
  readonly vehiclesRemoved: readonly string[];
  /** Vehicles in both plans whose planned energy at departure moved by more than `energyChangeKwh`. */
  readonly vehiclesChanged: number;
  readonly dispatchesAdded: readonly string[];
  readonly dispatchesRemoved: readonly string[];
  /** The latest attempt, when it failed after this plan (the plan stays in force). */
  readonly failedAttempt?: { readonly at: string; readonly code?: string; readonly message?: string; readonly willRetry?: boolean };
}

export function replanDiff(current: PlanRecord, previous: PlanRecord | undefined, lastAttempt: PlanAttempt | undefined): ReplanDiff {
  const zone = current.grid.zone;
  const ids = (r: PlanRecord | undefined) => new Set(r?.plan.vehicles.map((v) => v.id) ?? []);
  const now = ids(current);
  const before = ids(previous);
  const failed = lastAttempt !== undefined && !lastAttempt.ok && lastAttempt.atUtcMs >= current.createdAtUtcMs;
  let changed = 0;
  if (previous) {
    const a = departureEnergy(previous);
    for (const [id, e] of departureEnergy(current)) {
      const old = a.get(id);
      if (old !== undefined && Math.abs(old - e) > energyChangeKwh) changed++;
    }
  }
  const cost = (r: PlanRecord) => costWithoutIncentives(r.plan, r.incentives);
  return {
    planId: current.id,
    createdAt: wireInstant(current.createdAtUtcMs, zone),
    triggers: [...current.reasons],
    solver: `${current.plan.status} (${current.plan.stats.backend}, ${Math.round(current.plan.stats.solveMs)} ms)`,
    ...(previous
      ? {
          previousPlanId: previous.id,
          previousCreatedAt: wireInstant(previous.createdAtUtcMs, zone),
          netCostChange: r2(cost(current).netCost - cost(previous).netCost),
          shortfallKwhChange: r3(current.plan.cost.shortfallKwh - previous.plan.cost.shortfallKwh),
          peakImportKwChange: r3(current.plan.site.peakImportKw - previous.plan.site.peakImportKw),
        }
      : {}),
    vehiclesAdded: [...now].filter((id) => !before.has(id)).slice(0, 50),
    vehiclesRemoved: previous ? [...before].filter((id) => !now.has(id)).slice(0, 50) : [],
    vehiclesChanged: changed,
    dispatchesAdded: current.dispatchIds.filter((id) => !(previous?.dispatchIds ?? []).includes(id)),
    dispatchesRemoved: (previous?.dispatchIds ?? []).filter((id) => !current.dispatchIds.includes(id)),
    ...(failed
      ? {
          failedAttempt: {
            at: wireInstant(lastAttempt.atUtcMs, zone),
            ...(lastAttempt.code !== undefined ? { code: lastAttempt.code } : {}),
            ...(lastAttempt.message !== undefined ? { message: lastAttempt.message.split('\n')[0]! } : {}),
            ...(lastAttempt.willRetry !== undefined ? { willRetry: lastAttempt.willRetry } : {}),
          },
        }
      : {}),
  };
}
