/**
 * Generated problems for the HiGHS heap calibration (bench/memory-calibration.ts): a generated depot with a
 * charge taper on every vehicle, and a generated depot on a three-phase site of growing size.
 */
import type { Connection, Network } from '../../optimizer/network/network-schema.ts';
import type { ChargeTaper, Problem, Vehicle } from '../../optimizer/problem.ts';

/** The charge limit of a vehicle (kW): its scalar limit (the highest per slot), or its AC limit's power; at least 1 kW. */
function fullPowerKw(v: Vehicle): number {
  if (v.maxChargeKw !== undefined) return Math.max(1, typeof v.maxChargeKw === 'number' ? v.maxChargeKw : Math.max(...v.maxChargeKw));
  const ac = v.acLimit;
  return ac ? Math.max(1, (ac.maxCurrentA * ac.voltageV * ac.phases) / 1000) : 11;
}

/**
 * `problem` with a taper from 60 % SoC down to 10 % of the charge limit at full on every vehicle: constant form
 * (checked at 3/4 of the slot) or, with `stepsPerSlot`, the stepped form. A low start makes most rows able to bind.
 */
export function withTaper(problem: Problem, stepsPerSlot?: number): Problem {
  return {
    ...problem,
    vehicles: problem.vehicles.map((v) => {
      const taper: ChargeTaper = {
        startSoc: 0.6,
        endPowerFraction: 0.1,
        fullPowerKw: fullPowerKw(v),
        ...(stepsPerSlot !== undefined ? { stepsPerSlot } : { checkAtSlotFraction: 0.75 }),
      };
      return { ...v, chargeTaper: taper };
    }),
  };
}

const phases: readonly Connection[] = ['AN', 'BN', 'CN'];

/**
 * `problem` (a generated depot: 230 V chargers, 1 or 3 phases, and DC) on a three-phase site: single-phase chargers
 * spread over AN/BN/CN, three-phase and DC chargers on ABC, in pods of `podSize` chargers (a group per pod and
 * connection, each with its breaker, and a pod breaker over the pod's three lines), a transformer with a delta primary.
 * Limits are `tightness` of what the chargers below them could draw at once (a low share binds in many slots).
 */
export function withDepotNetwork(problem: Problem, podSize = 12, tightness = 0.35): Problem {
  const groups = new Map<string, { connection: Connection; chargerIds: string[]; amps: number }>();
  const pods = new Map<number, { chargerIds: string[]; amps: number }>();
  let lineAmps = 0;
  problem.vehicles.forEach((v, i) => {
    const pod = Math.floor(i / podSize);
    const connection: Connection = v.acLimit?.phases === 1 ? phases[i % 3]! : 'ABC';
    const amps = v.acLimit?.phases === 1 ? v.acLimit.maxCurrentA : (fullPowerKw(v) * 1000) / (3 * 230);
    const key = `pod${pod}-${connection}`;
    const g = groups.get(key) ?? { connection, chargerIds: [], amps: 0 };
    g.chargerIds.push(v.chargerId);
    g.amps += amps;
    groups.set(key, g);
    const p = pods.get(pod) ?? { chargerIds: [], amps: 0 };
    p.chargerIds.push(v.chargerId);
    p.amps += connection === 'ABC' ? amps : amps / 3;
    pods.set(pod, p);
    lineAmps += connection === 'ABC' ? amps : amps / 3;
  });
  const amps = (a: number) => Math.max(40, Math.round(tightness * a));
  const network: Network = {
    groups: [...groups].map(([id, g]) => ({ id, connection: g.connection, voltageV: 230, maxCurrentA: amps(g.amps), chargerIds: g.chargerIds })),
    breakers: [...pods].map(([pod, p]) => ({ id: `pod${pod}`, maxCurrentA: amps(p.amps), chargerIds: p.chargerIds })),
    transformer: {
      secondaryMaxCurrentA: amps(lineAmps),
      primary: { winding: 'delta', turnsRatio: 2, maxCurrentA: amps(lineAmps) / 2 },
    },
  };
  return { ...problem, network };
}
