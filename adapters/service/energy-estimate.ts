/**
 * The energy in a vehicle's battery "now", for re-planning from now (model-predictive control).
 *
 * A session's energy is a reading taken at `measuredAtUtcMs`. Between readings the chargers follow the
 * plan in force, so when that plan was made after the reading, the energy now is the plan's trajectory at
 * now (linear inside a slot). A reading newer than the plan wins (it is a measurement; the plan only
 * predicted). Before arrival the reading is the energy on arrival. Always within [0, capacity].
 */
import type { PlanRecord, SessionRecord } from '../store/records.ts';

/** The session's reading in kWh (a state of charge is converted with the capacity). */
export function readingKwh(session: SessionRecord): number {
  return session.energyKwh ?? (session.capacityKwh * (session.socPercent ?? 0)) / 100;
}

export function estimateEnergyKwh(session: SessionRecord, planInForce: PlanRecord | undefined, nowUtcMs: number): number {
  const clamp = (kwh: number) => Math.min(session.capacityKwh, Math.max(0, kwh));
  const reading = readingKwh(session);
  if (!planInForce || nowUtcMs <= session.arrivalUtcMs) return clamp(reading);
  const grid = planInForce.grid;
  if (grid.startUtcMs < session.measuredAtUtcMs || nowUtcMs <= grid.startUtcMs) return clamp(reading);
  const vehicle = planInForce.plan.vehicles.find((v) => v.id === session.id);
  if (!vehicle) return clamp(reading);
  const position = Math.min(grid.slotCount, (nowUtcMs - grid.startUtcMs) / grid.slotMs);
  const k = Math.floor(position);
  const at = vehicle.energyKwh[k]!;
  const next = vehicle.energyKwh[Math.min(k + 1, grid.slotCount)]!;
  return clamp(at + (next - at) * (position - k));
}
