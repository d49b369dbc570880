/**
 * The charge taper in the MPC's model, as an allowance on each plugged vehicle's charge limit.
 *
 * The simulated battery accepts less than its charger's limit above `taperStartSoc` (linear down to
 * `taperEndPowerFraction` at 100 %, vehicle-physics.ts); the LP does not know, so a plan that leaves a
 * vehicle's last kWh to the end of its stay at full power ends short. With the allowance, a vehicle whose
 * target lies in the taper gets, in slots 1 and later of the decision, the limit that delivers its remaining
 * energy in the time the tapered battery really needs: the charger limit times the harmonic mean of the
 * taper factor over the SoC range from now to the target. Slot 0 (the one applied) keeps the limit the
 * battery accepts now. The plan therefore starts the energy early enough; the physics stays the judge.
 */
import type { Problem, Vehicle } from '../optimizer/problem.ts';
import { phantomIdPrefix } from './arrival-forecast.ts';
import { vehicleMaxChargeKw } from './mpc-regularisers.ts';
import type { PhysicsModel } from './replay-inputs.ts';
import { acceptedChargeKw } from './vehicle-physics.ts';

/**
 * Charging from SoC `from` to `to` (0..1) takes this many times longer than at the full limit (>= 1):
 * the integral of 1 / taper factor over [from, to], divided by `to - from`.
 */
export function taperSlowdown(from: number, to: number, physics: PhysicsModel): number {
  const s0 = physics.taperStartSoc;
  if (to <= from || to <= s0 || s0 >= 1) return 1;
  const k = (1 - physics.taperEndPowerFraction) / (1 - s0);
  const flat = Math.max(0, Math.min(to, s0) - from);
  const a = Math.max(from, s0);
  const tapered = k > 0 ? (Math.log(1 - k * (a - s0)) - Math.log(1 - k * (Math.min(to, 1) - s0))) / k : Math.min(to, 1) - a;
  return (flat + tapered) / (to - from);
}

function withAllowance(v: Vehicle, slotCount: number, physics: PhysicsModel): Vehicle {
  if (v.id.startsWith(phantomIdPrefix) || v.targetEnergyKwh <= v.energyKwh) return v;
  const limitKw = vehicleMaxChargeKw(v);
  if (!Number.isFinite(limitKw)) return v;
  const from = v.energyKwh / v.capacityKwh;
  const to = v.targetEnergyKwh / v.capacityKwh;
  const nowKw = acceptedChargeKw(limitKw, from, physics);
  const laterKw = Math.min(nowKw, limitKw / taperSlowdown(from, to, physics));
  if (laterKw >= limitKw - 1e-9) return v;
  return { ...v, maxChargeKw: Array.from({ length: slotCount }, (_, t) => (t === 0 ? nowKw : laterKw)) };
}

/** `problem` with the taper allowance on every plugged vehicle whose target lies in the taper (phantoms unchanged). */
export function withTaperAllowance(problem: Problem, physics: PhysicsModel): Problem {
  return { ...problem, vehicles: problem.vehicles.map((v) => withAllowance(v, problem.slotCount, physics)) };
}
