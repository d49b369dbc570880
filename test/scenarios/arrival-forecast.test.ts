import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { forecastFromHistory, learnArrivalForecast, phantomIdPrefix, phantomVehicles } from '../../scenarios/arrival-forecast.ts';
import { computeKpis } from '../../scenarios/kpis.ts';
import { laxitySlots, withQuickCharge } from '../../scenarios/mpc-regularisers.ts';
import { mpcController, mpcForecastOptions, type Controller } from '../../scenarios/policies.ts';
import { rollingController } from '../../scenarios/policy-controllers.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { arrivalHistoryDays } from '../../scenarios/replay-inputs.ts';
import { demoInputs, highsBackend, steppingClock } from './scenario-test-helpers.ts';

let backend: LpBackend;
beforeAll(async () => {
  backend = await highsBackend();
});

const dayMs = 86_400_000;

describe('the arrival history', () => {
  it('holds only sessions arriving in the days before the period, with the replay assumptions', () => {
    const inputs = demoInputs();
    const h = inputs.arrivalHistory;
    expect(h.toUtcMs).toBe(inputs.periodStartUtcMs);
    expect(h.fromUtcMs).toBe(inputs.periodStartUtcMs - arrivalHistoryDays * dayMs);
    expect(h.sessions.length).toBeGreaterThanOrEqual(12 * (arrivalHistoryDays - 1));
    for (const s of h.sessions) {
      expect(s.arrivalUtcMs).toBeGreaterThanOrEqual(h.fromUtcMs);
      expect(s.arrivalUtcMs).toBeLessThan(inputs.periodStartUtcMs);
      expect(s.targetEnergyKwh).toBeGreaterThanOrEqual(s.initialEnergyKwh);
    }
    const replayed = new Set(inputs.sessions.map((s) => s.id));
    expect(h.sessions.some((s) => replayed.has(s.id))).toBe(false);
  });
});

describe('learnArrivalForecast', () => {
  it('is the mean day of each class: the bins of a class sum to its mean daily energy; sessions outside the window are ignored', () => {
    const inputs = demoInputs();
    const h = inputs.arrivalHistory;
    const f = learnArrivalForecast(h.sessions, inputs.site.zone, h.fromUtcMs, h.toUtcMs);
    expect(f.sessionCount).toBe(h.sessions.length);
    const total = h.sessions.reduce((a, s) => a + s.demandKwh, 0);
    // 28 days = 20 weekdays + 8 weekend days: the per-day bins, weighted back by their day counts, give the total.
    const weekday = f.bins.filter((b) => b.dayClass === 0).reduce((a, b) => a + b.energyKwh, 0);
    const weekend = f.bins.filter((b) => b.dayClass === 1).reduce((a, b) => a + b.energyKwh, 0);
    expect(20 * weekday + 8 * weekend).toBeCloseTo(total, 6);
    const late = h.sessions.map((s) => ({ ...s, arrivalUtcMs: s.arrivalUtcMs + arrivalHistoryDays * dayMs, departureUtcMs: s.departureUtcMs + arrivalHistoryDays * dayMs }));
    expect(learnArrivalForecast([...h.sessions, ...late], inputs.site.zone, h.fromUtcMs, h.toUtcMs)).toEqual(f);
  });
});

describe('phantomVehicles', () => {
  it('arrive after slot 0 and inside the horizon, want the bins expected energy, and are never a session', () => {
    const inputs = demoInputs();
    const f = forecastFromHistory(inputs);
    const slotCount = 96;
    const at = inputs.periodStartUtcMs + 6 * 3_600_000;
    const phantoms = phantomVehicles(f, { horizonStartUtcMs: at, slotMinutes: 15, slotCount, chargeEfficiency: 0.95 });
    expect(phantoms.length).toBeGreaterThan(0);
    for (const v of phantoms) {
      expect(v.id.startsWith(phantomIdPrefix)).toBe(true);
      expect(v.arrivalSlot).toBeGreaterThanOrEqual(1);
      expect(v.arrivalSlot).toBeLessThan(slotCount);
      expect(v.departureSlot).toBeGreaterThan(v.arrivalSlot);
      expect(v.energyKwh).toBe(0);
    }
    expect(new Set(phantoms.map((v) => v.id)).size).toBe(phantoms.length);
    // Half the expectation: every phantom wants half as much.
    const half = phantomVehicles({ ...f, energyShare: 0.5 }, { horizonStartUtcMs: at, slotMinutes: 15, slotCount, chargeEfficiency: 0.95 });
    half.forEach((v, i) => expect(v.targetEnergyKwh).toBeCloseTo(phantoms[i]!.targetEnergyKwh / 2, 9));
  });
});

describe('the laxity rank of the quick-charge regulariser', () => {
  it('gives the vehicle with the least laxity the steepest slope, even when it leaves later', () => {
    const p: Problem = {
      slotCount: 16,
      slotHours: 0.25,
      importPricePerKwh: new Array<number>(16).fill(0.2),
      vehicles: [
        // 2.6125 kWh per slot at full power: early needs 1 slot of its 8 (laxity 7), tight 15 of its 16 (laxity 1)
        { id: 'early', chargerId: 'c1', arrivalSlot: 0, departureSlot: 8, energyKwh: 10, capacityKwh: 60, targetEnergyKwh: 11, maxChargeKw: 11 },
        { id: 'tight', chargerId: 'c2', arrivalSlot: 0, departureSlot: 16, energyKwh: 10, capacityKwh: 60, targetEnergyKwh: 48, maxChargeKw: 11 },
      ],
    };
    expect(laxitySlots(p.vehicles[0]!, 0.25)).toBe(7);
    expect(laxitySlots(p.vehicles[1]!, 0.25)).toBe(1);
    const [early, tight] = withQuickCharge(p, 'robust', 'laxity').vehicles.map((v) => v.chargePreferencePerKwh!);
    expect(tight![1]! - tight![0]!).toBeGreaterThan(early![1]! - early![0]!);
    const [e2, t2] = withQuickCharge(p, 'robust', 'deadline').vehicles.map((v) => v.chargePreferencePerKwh!);
    expect(e2![1]! - e2![0]!).toBeGreaterThan(t2![1]! - t2![0]!);
  });
});

describe('mpc-forecast', () => {
  it('sets powers only for plugged sessions (never a phantom) and delivers on the demo like mpc', () => {
    const inputs = demoInputs({ period: { end: "2023-06-06T00:00:00+02:00" }, controller: { departure: "actual" } } as never);
    const inner = mpcController(inputs, { backend }, mpcForecastOptions(inputs, 'quick'));
    const seen: string[] = [];
    const spy: Controller = {
      policy: 'mpc-forecast',
      decide(at, k, plugged, peak) {
        const d = inner.decide(at, k, plugged, peak);
        const ids = new Set(plugged.map((p) => p.session.id));
        for (const id of d.setpointsKw.keys()) if (!ids.has(id)) seen.push(id);
        return d;
      },
    };
    const k = computeKpis(runReplay(inputs, 'mpc-forecast', { solver: { backend }, clock: steppingClock(), controller: spy }));
    expect(seen).toEqual([]);
    expect(rollingController(inputs, 'mpc-forecast', { backend }).policy).toBe('mpc-forecast');
    const mpc = computeKpis(runReplay(inputs, 'mpc', { solver: { backend }, clock: steppingClock() }));
    expect(k.energyDeliveredPct).toBeGreaterThan(mpc.energyDeliveredPct - 2);
    expect(k.limitViolationCount).toBe(0);
  }, 600_000);
});

describe('mpc-forecast on a three-phase network', () => {
  it('is refused naming the network (phantoms sit on no charger of it)', () => {
    const inputs = demoInputs();
    const withNetwork = { ...inputs, site: { ...inputs.site, network: {} as never } };
    expect(() => mpcController(withNetwork, { backend }, { variant: 'robust', demandCharge: 'full', forecast: forecastFromHistory(inputs) })).toThrow(/three-phase network/);
  });
});

describe('mpc-forecast knows no arrival of the period before it happens', () => {
  it('decides the same before an instant whether or not later sessions exist (the forecast learns from before the period only)', () => {
    const all = demoInputs({ period: { end: '2023-06-06T12:00:00+02:00' } } as never);
    const cut = Date.parse('2023-06-06T00:00:00+02:00');
    const early = { ...all, sessions: all.sessions.filter((s) => s.arrivalUtcMs < cut) };
    const firstLater = Math.min(...all.sessions.filter((s) => s.arrivalUtcMs >= cut).map((s) => s.arrivalUtcMs));
    const run = (inputs: typeof all) => runReplay(inputs, 'mpc-forecast', { solver: { backend }, clock: () => 0 });
    const a = run(all);
    const b = run(early);
    const k = a.slots.startUtcMs.filter((t) => t < firstLater).length;
    expect(k).toBeGreaterThan(90);
    expect(b.slots.fleetChargeKw.slice(0, k)).toEqual(a.slots.fleetChargeKw.slice(0, k));
    expect(b.slots.importKw.slice(0, k)).toEqual(a.slots.importKw.slice(0, k));
  }, 600_000);
});
