import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { believedDepartureUtcMs } from '../../scenarios/decision-problem.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import { computeKpis } from '../../scenarios/kpis.ts';
import { policyNames, requirePolicyName, type PolicyName } from '../../scenarios/policies.ts';
import { runReplay, type ReplayProgress } from '../../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import type { ReplayResult } from '../../scenarios/replay-result.ts';
import { chargerDischargeLimitKw, chargerLimitKw } from '../../scenarios/replay-session.ts';
import { demoInputs, highsBackend, steppingClock } from './scenario-test-helpers.ts';

let backend: LpBackend;
let inputs: ReplayInputs;
const runs = new Map<PolicyName, ReplayResult>();

beforeAll(async () => {
  backend = await highsBackend();
  inputs = demoInputs();
  for (const policy of policyNames) runs.set(policy, runReplay(inputs, policy, { solver: { backend }, clock: () => performance.now() }));
}, 600_000);

const eps = 1e-6;

describe('replay of the generated demo, every policy', () => {
  it.each(policyNames)('%s: the site balances in every slot and stays within its limits (true uncontrolled: violations counted)', (policy) => {
    const s = runs.get(policy)!.slots;
    const k = computeKpis(runs.get(policy)!);
    if (policy === 'uncontrolled') {
      let overKwh = 0;
      for (let i = 0; i < s.startUtcMs.length; i++) overKwh += 0.25 * Math.max(0, s.importKw[i]! - s.importLimitKw[i]!);
      expect(k.limitViolationKwh).toBeCloseTo(overKwh, 9);
      return;
    }
    expect(k.limitViolationKwh).toBe(0);
    for (let k = 0; k < s.startUtcMs.length; k++) {
      const net = s.baseLoadKw[k]! - s.pvKw[k]! + s.pvCurtailedKw[k]! + s.fleetChargeKw[k]! - s.fleetDischargeKw[k]!;
      expect(s.importKw[k]! - s.exportKw[k]!).toBeCloseTo(net, 9);
      expect(Math.min(s.importKw[k]!, s.exportKw[k]!)).toBe(0);
      expect(s.importKw[k]!).toBeLessThanOrEqual(s.importLimitKw[k]! + eps);
      expect(s.exportKw[k]!).toBeLessThanOrEqual(s.exportLimitKw[k]! + eps);
    }
  });

  it.each(policyNames)('%s: chargers only deliver to a plugged-in vehicle, within their limits', (policy) => {
    const r = runs.get(policy)!;
    for (const c of r.chargerPowerKw) {
      const spec = inputs.sessions.find((s) => s.charger.id === c.chargerId)!.charger;
      c.powerKw.forEach((p, k) => {
        if (p === 0) return;
        const t = r.slots.startUtcMs[k]!;
        const here = inputs.sessions.filter((s) => s.charger.id === c.chargerId && s.arrivalUtcMs <= t && s.departureUtcMs > t);
        expect(here.length, `${c.chargerId} slot ${k}`).toBe(1);
        expect(p).toBeLessThanOrEqual(chargerLimitKw(spec) + eps);
        expect(-p).toBeLessThanOrEqual(chargerDischargeLimitKw(spec) + eps);
        if (p < 0) expect(here[0]!.v2gAllowed).toBe(true);
      });
    }
  });

  it.each(policyNames)('%s: batteries stay within [0, capacity] and discharge never crosses the reserve', (policy) => {
    const r = runs.get(policy)!;
    for (const o of r.sessions) {
      expect(o.finalEnergyKwh).toBeGreaterThanOrEqual(0);
      expect(o.finalEnergyKwh).toBeLessThanOrEqual(o.session.capacityKwh + eps);
      expect(o.reserveBreachSlots).toBe(0);
      if (o.dischargedKwh > 0) expect(o.lowestEnergyKwh).toBeGreaterThanOrEqual(Math.min(o.session.reserveEnergyKwh, o.session.initialEnergyKwh) - eps);
    }
  });

  it('baselines never discharge; the optimizers use V2G here', () => {
    for (const p of ['uncontrolled', 'fcfs', 'alap', 'edf', 'llf', 'round-robin', 'price-greedy'] as const) expect(computeKpis(runs.get(p)!).dischargedKwh).toBe(0);
    expect(computeKpis(runs.get('mpc')!).dischargedKwh).toBeGreaterThan(0);
    expect(computeKpis(runs.get('offline')!).dischargedKwh).toBeGreaterThan(0);
  });

  it('an arrival inside a slot takes effect at the next boundary; nothing is decided while nothing is plugged in', () => {
    const r = runs.get('uncontrolled')!;
    const s = inputs.sessions.find((x) => x.arrivalUtcMs % 900_000 !== 0)!;
    const series = r.chargerPowerKw.find((c) => c.chargerId === s.charger.id)!.powerKw;
    const slotOfArrival = Math.floor((s.arrivalUtcMs - r.periodStartUtcMs) / 900_000);
    expect(series[slotOfArrival]).toBe(0);
    expect(series[slotOfArrival + 1]).toBeGreaterThan(0);
    expect(r.slots.triggers[slotOfArrival + 1]).toContain('arrival');
    r.slots.pluggedVehicles.forEach((n, k) => {
      if (n === 0) expect(r.slots.decisionMs[k]).toBeUndefined();
    });
  });

  it('records price publications (13:00 Brussels) as decision triggers', () => {
    const r = runs.get('mpc')!;
    const k = r.slots.startUtcMs.indexOf(Date.parse('2023-06-05T13:00:00+02:00'));
    expect(r.slots.triggers[k]).toContain('price-update');
    expect(r.slots.triggers.filter((t) => t.includes('price-update'))).toHaveLength(2); // 5 and 6 June (the replay drains into the 7th, ending before 13:00)
    expect(r.simulationEndUtcMs).toBeLessThan(Date.parse('2023-06-07T13:00:00+02:00'));
  });

  it('the offline optimum is solved once; the others decide at every slot with a vehicle', () => {
    const off = computeKpis(runs.get('offline')!);
    const mpc = computeKpis(runs.get('mpc')!);
    expect(off.solveCount).toBe(1);
    expect(mpc.solveCount).toBe(runs.get('mpc')!.slots.pluggedVehicles.filter((n) => n > 0).length);
  });
});

describe('what the controller knows', () => {
  it("plans for the declared departure, or the end of this slot once it has passed; 'actual' uses the real one", () => {
    const s = inputs.sessions[0]!;
    const early = s.arrivalUtcMs;
    expect(believedDepartureUtcMs(inputs, s, early)).toBe(Math.max(s.declaredDepartureUtcMs, early + 900_000));
    const late = s.declaredDepartureUtcMs + 3_600_000;
    expect(believedDepartureUtcMs(inputs, s, late)).toBe(late + 900_000);
    const actual = demoInputs({ controller: { departure: 'actual' } });
    expect(believedDepartureUtcMs(actual, actual.sessions[0]!, early)).toBe(s.departureUtcMs);
  });

  it('with departureMarginMinutes, plans every declared departure that much earlier, never before the end of this slot', () => {
    const hedged = demoInputs({ controller: { departure: 'declared', arrivals: 'unknown-until-arrival', departureMarginMinutes: 90 } });
    const withActual = demoInputs({ controller: { departure: 'actual', arrivals: 'unknown-until-arrival', departureMarginMinutes: 90 } });
    for (const [i, s] of hedged.sessions.entries()) {
      for (let at = s.arrivalUtcMs; at < s.departureUtcMs; at += 900_000) {
        const plain = believedDepartureUtcMs(inputs, inputs.sessions[i]!, at);
        const believed = believedDepartureUtcMs(hedged, s, at);
        expect(believed).toBe(Math.max(s.declaredDepartureUtcMs - 90 * 60_000, at + 900_000));
        expect(believed).toBeLessThanOrEqual(plain);
        expect(believed).toBeGreaterThanOrEqual(at + 900_000);
        // the margin hedges declared departures only: a known actual departure is planned as it is
        expect(believedDepartureUtcMs(withActual, withActual.sessions[i]!, at)).toBe(s.departureUtcMs);
      }
    }
  });

  it('with actual departures, MPC delivers >= 99 % and sits between the offline bound and uncontrolled', () => {
    const known = demoInputs({ controller: { departure: 'actual' } });
    const deps = { solver: { backend }, clock: () => performance.now() };
    const offline = runReplay(known, 'offline', deps);
    const mpc = computeKpis(runReplay(known, 'mpc', deps), offline);
    const uncontrolled = computeKpis(runReplay(known, 'uncontrolled', deps), offline);
    expect(mpc.energyDeliveredPct).toBeGreaterThanOrEqual(99);
    expect(computeKpis(offline).netCost).toBeLessThanOrEqual(mpc.netCost);
    expect(mpc.netCost).toBeLessThan(uncontrolled.netCost);
    expect(mpc.gapToOfflinePct!).toBeGreaterThanOrEqual(0);
  });
});

describe('determinism, clock and progress', () => {
  const strip = (r: ReplayResult) => ({ ...r, slots: { ...r.slots, decisionMs: [] }, decisions: { ...r.decisions, decisionMs: [], solverMs: [] } });

  it('two runs with one seed are identical (timings aside); another seed differs', () => {
    const again = runReplay(demoInputs(), 'mpc', { solver: { backend }, clock: () => performance.now() });
    expect(strip(again)).toEqual(strip(runs.get('mpc')!));
    const other = demoInputs(undefined, 2);
    expect(other.sessions.map((s) => s.id)).not.toEqual(inputs.sessions.map((s) => s.id));
  });

  it('times decisions only with the injected clock, and reports progress every slot', () => {
    const progress: ReplayProgress[] = [];
    const r = runReplay(inputs, 'edf', { clock: steppingClock(1), onProgress: (p) => progress.push(p) });
    expect(new Set(r.decisions.decisionMs)).toEqual(new Set([1]));
    expect(computeKpis(r).solveTimeP95Ms).toBe(1);
    expect(progress).toHaveLength(r.slots.startUtcMs.length);
    expect(progress.at(-1)).toEqual({ slot: r.slots.startUtcMs.length, slotCount: r.slots.startUtcMs.length, decisions: r.decisions.count });
  });
});

describe('policy errors', () => {
  it('names an unknown policy (V2G_ERR_SCENARIO_POLICY)', () => {
    expect(() => requirePolicyName('fastest')).toThrow(ScenarioError);
    expect(() => requirePolicyName('fastest')).toThrow(/"fastest" is not one of mpc, .*uncontrolled, fcfs/);
  });

  it('refuses mpc and offline without a solver backend', () => {
    for (const p of ['mpc', 'offline'] as const) {
      try {
        runReplay(inputs, p, { clock: () => 0 });
        throw new Error('no error');
      } catch (e) {
        expect((e as ScenarioError).code).toBe('V2G_ERR_SCENARIO_POLICY');
      }
    }
  });
});
