/**
 * The arrival reserve (scenarios/arrival-reserve.ts): learnt only from the history before the period, a soft
 * preference that never makes a plan infeasible, never takes energy from a real vehicle, and never applied.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import type { Problem, Vehicle } from '../../optimizer/problem.ts';
import { validateProblem } from '../../optimizer/problem-validation.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { phantomIdPrefix } from '../../scenarios/arrival-forecast.ts';
import { ArrivalReserveError, learnArrivalReserve, quantile, reserveFromHistory, reservePhantomPrefix, reserveProfileKw, reserveVehicles, solveWithArrivalReserve } from '../../scenarios/arrival-reserve.ts';
import { mpcController } from '../../scenarios/policies.ts';
import { demoInputs, highsBackend } from './scenario-test-helpers.ts';

let backend: LpBackend;
beforeAll(async () => {
  backend = await highsBackend();
});

const hourMs = 3_600_000;
const options = { quantile: 0.75, valuePerKwh: 0.5 };

describe('learnArrivalReserve', () => {
  it('refuses a quantile outside [0, 1] or a value that is no positive price, naming the field', () => {
    const inputs = demoInputs();
    for (const [bad, field] of [
      [{ quantile: 1.5, valuePerKwh: 0.5 }, 'quantile'],
      [{ quantile: Number.NaN, valuePerKwh: 0.5 }, 'quantile'],
      [{ quantile: 0.5, valuePerKwh: 0 }, 'valuePerKwh'],
      [{ quantile: 0.5, valuePerKwh: 1000 }, 'valuePerKwh'],
    ] as const) {
      const err = (() => {
        try {
          reserveFromHistory(inputs, bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(ArrivalReserveError);
      expect((err as ArrivalReserveError).code).toBe('V2G_ERR_RESERVE_OPTIONS');
      expect((err as ArrivalReserveError).field).toBe(field);
    }
  });

  it('keeps only the history: sessions of the period (or later) change no profile', () => {
    const inputs = demoInputs();
    const h = inputs.arrivalHistory;
    const toUtcMs = Math.min(h.toUtcMs, inputs.periodStartUtcMs);
    const base = learnArrivalReserve(h.sessions, inputs.site.zone, h.fromUtcMs, toUtcMs, 0.95, options);
    const leaky = learnArrivalReserve([...h.sessions, ...inputs.sessions], inputs.site.zone, h.fromUtcMs, toUtcMs, 0.95, options);
    expect(leaky.arrivals).toEqual(base.arrivals);
    for (let k = 0; k < 24; k++) {
      const at = inputs.periodStartUtcMs + k * hourMs;
      expect(reserveProfileKw(leaky, at, 15, 96)).toEqual(reserveProfileKw(base, at, 15, 96));
    }
  });
});

describe('reserveProfileKw', () => {
  it('property: 0 in slot 0, never negative, and rising with the quantile', () => {
    const inputs = demoInputs();
    const reserves = [0, 0.5, 0.75, 1].map((q) => reserveFromHistory(inputs, { quantile: q, valuePerKwh: 0.5 }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 * 96 - 1 }), fc.integer({ min: 1, max: 96 }), (slot, slotCount) => {
        const at = inputs.periodStartUtcMs + slot * 15 * 60_000;
        const profiles = reserves.map((r) => reserveProfileKw(r, at, 15, slotCount));
        for (const p of profiles) {
          expect(p).toHaveLength(slotCount);
          expect(p[0]).toBe(0);
          for (const kw of p) expect(kw).toBeGreaterThanOrEqual(0);
        }
        for (let i = 1; i < profiles.length; i++) profiles[i]!.forEach((kw, t) => expect(kw).toBeGreaterThanOrEqual(profiles[i - 1]![t]! - 1e-12));
      }),
      { seed: 13, numRuns: 60 },
    );
  });

  it('is a real reserve on the demo: some decision in the day keeps headroom for arrivals', () => {
    const inputs = demoInputs();
    const reserve = reserveFromHistory(inputs, { quantile: 1, valuePerKwh: 0.5 });
    const total = Array.from({ length: 24 }, (_, k) => reserveProfileKw(reserve, inputs.periodStartUtcMs + k * hourMs, 15, 96).reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
  });

  it('quantile: nearest rank from below, 0 for no days', () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([3, 1, 2, 4], 0)).toBe(1);
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2);
    expect(quantile([3, 1, 2, 4], 0.75)).toBe(3);
    expect(quantile([3, 1, 2, 4], 1)).toBe(4);
  });
});

/** A random decision problem: vehicles, prices (possibly negative), an import limit, a demand charge. */
const arbProblem = fc
  .record({
    slots: fc.integer({ min: 2, max: 24 }),
    penalty: fc.constantFrom(10, 200),
    limitKw: fc.integer({ min: 5, max: 40 }),
    priceCents: fc.array(fc.integer({ min: -5, max: 60 }), { minLength: 24, maxLength: 24 }),
    demandChargePerKw: fc.integer({ min: 0, max: 30 }),
    previousPeakKw: fc.integer({ min: 0, max: 15 }),
    vehicles: fc.array(
      fc.record({ arrival: fc.integer({ min: 0, max: 23 }), stay: fc.integer({ min: 1, max: 24 }), energy: fc.integer({ min: 0, max: 30 }), need: fc.integer({ min: 0, max: 30 }), kw: fc.constantFrom(3.3, 6.656, 11) }),
      { minLength: 0, maxLength: 5 },
    ),
    reserveKw: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 24, maxLength: 24 }),
    valueCents: fc.integer({ min: 1, max: 200 }),
  })
  .map((r) => {
    const vehicles: Vehicle[] = r.vehicles
      .filter((v) => v.arrival < r.slots)
      .map((v, i) => ({
        id: `v${i}`,
        chargerId: `c${i}`,
        arrivalSlot: v.arrival,
        departureSlot: v.arrival + v.stay,
        energyKwh: v.energy,
        capacityKwh: 60,
        targetEnergyKwh: Math.min(60, v.energy + v.need),
        maxChargeKw: v.kw,
      }));
    const problem: Problem = {
      slotCount: r.slots,
      slotHours: 0.25,
      importPricePerKwh: r.priceCents.slice(0, r.slots).map((c) => c / 100),
      importLimitKw: new Array<number>(r.slots).fill(r.limitKw),
      shortfallPenaltyPerKwh: r.penalty,
      ...(r.demandChargePerKw > 0 ? { demandCharge: { pricePerKw: r.demandChargePerKw, previousPeakKw: r.previousPeakKw } } : {}),
      vehicles,
    };
    return { problem, reserveKw: r.reserveKw.slice(0, r.slots), valuePerKwh: r.valueCents / 100 };
  });

const realShortfallKwh = (plan: ReturnType<typeof solveWithBackend>) => plan.vehicles.filter((v) => !v.id.startsWith(phantomIdPrefix)).reduce((a, v) => a + v.shortfallKwh, 0);

describe('reserveVehicles', () => {
  it('property: the reserved problem is valid, its plan passes the validator, and no real vehicle is shorter for it', () => {
    fc.assert(
      fc.property(arbProblem, ({ problem, reserveKw, valuePerKwh }) => {
        const phantoms = reserveVehicles(problem, reserveKw, valuePerKwh);
        const reserved: Problem = { ...problem, vehicles: [...problem.vehicles, ...phantoms] };
        expect(validateProblem(reserved).ok).toBe(true);
        for (const v of phantoms) {
          expect(v.id.startsWith(reservePhantomPrefix) && v.id.startsWith(phantomIdPrefix)).toBe(true);
          expect(v.departureSlot - v.arrivalSlot).toBe(1);
          expect(v.arrivalSlot).toBeGreaterThanOrEqual(1);
        }
        const plain = solveWithBackend(problem, backend);
        const plan = solveWithBackend(reserved, backend);
        expect(['optimal', 'feasible']).toContain(plan.status);
        expect(validatePlan(reserved, plan)).toEqual([]);
        // A reserve kWh is worth at most valuePerKwh, a real kWh short costs the penalty: never traded.
        expect(realShortfallKwh(plan)).toBeLessThanOrEqual(realShortfallKwh(plain) + 1e-6);
        // A reserve phantom short is a plan, not a failure: its shortfall has a reason like any vehicle's.
        for (const v of plan.vehicles) if (v.shortfallKwh > 1e-6) expect(v.shortfallReason).toBeDefined();
      }),
      { seed: 7, numRuns: 40 },
    );
  });

  it('the value decides: kept under the peak when it pays, given up before a real vehicle is short', () => {
    // One slot of 10 kW capacity after slot 0; the vehicle can charge in slot 0 or 1 at 10 kW and needs one slot's energy.
    const v: Vehicle = { id: 'v', chargerId: 'c', arrivalSlot: 0, departureSlot: 2, energyKwh: 0, capacityKwh: 50, targetEnergyKwh: 10 * 0.25 * 0.95, maxChargeKw: 10 };
    const cheapLater: Problem = { slotCount: 2, slotHours: 0.25, importPricePerKwh: [0.3, 0.1], importLimitKw: [10, 10], shortfallPenaltyPerKwh: 200, vehicles: [v] };
    const plain = solveWithBackend(cheapLater, backend);
    expect(plain.vehicles[0]!.powerKw).toEqual([0, 10]);
    // Worth 0.5 / kWh > the 0.2 price step: the vehicle moves to slot 0 and the reserve keeps slot 1.
    const kept = solveWithBackend({ ...cheapLater, vehicles: [v, ...reserveVehicles(cheapLater, [0, 10], 0.5)] }, backend);
    expect(kept.vehicles[0]!.powerKw[0]).toBeCloseTo(10, 6);
    expect(kept.vehicles[1]!.shortfallKwh).toBeLessThan(1e-6);
    // Worth 0.1 / kWh < the step: the reserve is given up (the phantom short), the plan as without it.
    const given = solveWithBackend({ ...cheapLater, vehicles: [v, ...reserveVehicles(cheapLater, [0, 10], 0.1)] }, backend);
    expect(given.vehicles[0]!.powerKw).toEqual(plain.vehicles[0]!.powerKw);
    expect(given.vehicles[1]!.shortfallKwh).toBeGreaterThan(0);
    // The vehicle needs both slots: it gets them whatever the reserve is worth.
    const both = { ...v, targetEnergyKwh: 2 * 10 * 0.25 * 0.95 };
    const full = solveWithBackend({ ...cheapLater, vehicles: [both, ...reserveVehicles(cheapLater, [0, 10], 2)] }, backend);
    expect(full.vehicles[0]!.shortfallKwh).toBeLessThan(1e-6);
  });

  it('does not raise the peak for the reserve when a kWh of it is worth less than the demand charge per kW over the horizon', () => {
    // Peak carried at 6 kW; a vehicle needing 6 kW flat. A reserve of 10 kW in every later slot does not buy a higher peak.
    const slots = 8;
    const v: Vehicle = { id: 'v', chargerId: 'c', arrivalSlot: 0, departureSlot: slots, energyKwh: 0, capacityKwh: 50, targetEnergyKwh: 6 * 0.25 * 0.95 * slots, maxChargeKw: 11 };
    const p: Problem = { slotCount: slots, slotHours: 0.25, importPricePerKwh: new Array<number>(slots).fill(0.2), shortfallPenaltyPerKwh: 200, demandCharge: { pricePerKw: 15.51, previousPeakKw: 6 }, vehicles: [v] };
    const value = 1; // 1 / kWh x 2 h of horizon = 2 per kW < 15.51
    const plan = solveWithBackend({ ...p, vehicles: [v, ...reserveVehicles(p, new Array<number>(slots).fill(10), value)] }, backend);
    expect(plan.site.peakImportKw).toBeLessThanOrEqual(6 + 1e-6);
    expect(plan.vehicles[0]!.shortfallKwh).toBeLessThan(1e-6);
  });
});

describe('solveWithArrivalReserve', () => {
  const inputs = demoInputs();
  const reserve = reserveFromHistory(inputs, { quantile: 1, valuePerKwh: 0.5 });
  const at = inputs.periodStartUtcMs + 6 * hourMs;
  const v: Vehicle = { id: 'v', chargerId: 'c', arrivalSlot: 0, departureSlot: 40, energyKwh: 10, capacityKwh: 60, targetEnergyKwh: 40, maxChargeKw: 7 };
  const problem: Problem = { slotCount: 48, slotHours: 0.25, importPricePerKwh: new Array<number>(48).fill(0.2), vehicles: [v] };

  it('keeps the reserve when the optimizer returns its own plan', () => {
    const seen: Problem[] = [];
    const plan = solveWithArrivalReserve(problem, reserve, at, 15, (p) => (seen.push(p), solveWithBackend(p, backend)));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.vehicles.some((x) => x.id.startsWith(reservePhantomPrefix))).toBe(true);
    expect(plan.message ?? '').not.toContain('arrival reserve dropped');
  });

  it('drops the reserve for the decision, saying so, when the optimizer returns a baseline instead of its own plan', () => {
    const seen: Problem[] = [];
    const plan = solveWithArrivalReserve(problem, reserve, at, 15, (p) => {
      seen.push(p);
      const solved = solveWithBackend(p, backend);
      return seen.length === 1 ? { ...solved, origin: { ...solved.origin!, source: 'baseline' as const, baseline: 'edf' } } : solved;
    });
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(problem);
    expect(plan.vehicles.map((x) => x.id)).toEqual(['v']);
    expect(plan.message).toContain('arrival reserve dropped for this decision: with it the optimizer returned the edf baseline');
  });
});

describe('the MPC with an arrival reserve', () => {
  it('applies setpoints to plugged sessions only (reserve phantoms are never applied)', () => {
    const inputs = demoInputs();
    const controller = mpcController(inputs, { backend }, { variant: 'robust', demandCharge: 'full', reserve: reserveFromHistory(inputs, { quantile: 1, valuePerKwh: 0.5 }) });
    const at = inputs.periodStartUtcMs + 9 * hourMs;
    const plugged = inputs.sessions.filter((s) => s.arrivalUtcMs <= at && s.departureUtcMs > at).map((s) => ({ session: s, energyKwh: s.initialEnergyKwh }));
    expect(plugged.length).toBeGreaterThan(0);
    const d = controller.decide(at, 0, plugged, 0);
    const ids = new Set(plugged.map((p) => p.session.id));
    for (const id of d.setpointsKw.keys()) expect(ids.has(id)).toBe(true);
    expect(['optimal', 'feasible']).toContain(d.status);
  });

  it('says so in its notes, with where the reserve was learnt; and the target margin too', () => {
    const inputs = demoInputs();
    const reserve = reserveFromHistory(inputs, { quantile: 0.75, valuePerKwh: 0.5 });
    const notes = mpcController(inputs, { backend }, { variant: 'robust', demandCharge: 'full', reserve, targetMarginKwh: 0.05 }).notes ?? [];
    expect(notes.some((n) => n.startsWith('arrival reserve: ') && n.includes('quantile 0.75') && n.includes(`${reserve.arrivals.length} session(s)`))).toBe(true);
    expect(notes).toContain('target margin: each plugged vehicle planned to its target + 0.05 kWh (at most its capacity)');
    expect(mpcController(inputs, { backend }, { variant: 'robust', demandCharge: 'full' }).notes).toBeUndefined();
  });
});
