/**
 * The decision horizon ends at the last plugged vehicle's departure on a site without base load or PV: the
 * dropped slots hold nothing to plan, so a baseline decides the same (metamorphic: same first-slot powers).
 */
import { describe, expect, it } from 'vitest';
import { assembleProblem } from '../../grid/problem-assembly.ts';
import { solveWithBaseline } from '../../optimizer/solve-problem.ts';
import { decisionAssemblyInput, decisionHorizonEndUtcMs, siteSignals, type PluggedVehicle } from '../../scenarios/decision-problem.ts';
import { pricesKnownUntilUtcMs, visibleSeries } from '../../scenarios/price-visibility.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import { demoInputs } from './scenario-test-helpers.ts';

const slotMs = (inputs: ReplayInputs) => inputs.slotMinutes * 60_000;

/** Vehicles plugged at the first arrival's next slot boundary, and that instant. */
function pluggedAtFirstArrival(inputs: ReplayInputs): { atUtcMs: number; plugged: PluggedVehicle[] } {
  const first = Math.min(...inputs.sessions.map((s) => s.arrivalUtcMs));
  const atUtcMs = Math.ceil(first / slotMs(inputs)) * slotMs(inputs);
  const plugged = inputs.sessions.filter((s) => s.arrivalUtcMs <= atUtcMs && s.departureUtcMs > atUtcMs).map((session) => ({ session, energyKwh: session.initialEnergyKwh }));
  return { atUtcMs, plugged };
}

describe('the decision horizon', () => {
  const withLoads = demoInputs({ controller: { departure: 'actual' } } as never);
  const inputs: ReplayInputs = { ...withLoads, baseLoad: undefined, pv: undefined } as ReplayInputs;
  const { atUtcMs, plugged } = pluggedAtFirstArrival(inputs);

  it('ends at the first slot boundary at or after the last departure, never after horizonHours', () => {
    expect(plugged.length).toBeGreaterThan(0);
    const end = decisionHorizonEndUtcMs(inputs, atUtcMs, plugged);
    const last = Math.max(...plugged.map((p) => p.session.departureUtcMs));
    expect(end).toBeLessThanOrEqual(atUtcMs + inputs.horizonHours * 3_600_000);
    expect((end - atUtcMs) % slotMs(inputs)).toBe(0);
    if (end < atUtcMs + inputs.horizonHours * 3_600_000) {
      expect(end).toBeGreaterThanOrEqual(last);
      expect(end - last).toBeLessThan(slotMs(inputs));
    }
  });

  it('keeps the full look-ahead when the site has base load or PV', () => {
    if (withLoads.baseLoad === undefined && withLoads.pv === undefined) return expect(withLoads.baseLoad).toBeUndefined();
    expect(decisionHorizonEndUtcMs(withLoads, atUtcMs, plugged)).toBe(atUtcMs + withLoads.horizonHours * 3_600_000);
  });

  it('a baseline decides the same first slot over the shortened and the full horizon', () => {
    const short = assembleProblem(decisionAssemblyInput(inputs, atUtcMs, plugged, 0)).problem;
    const fullEnd = atUtcMs + inputs.horizonHours * 3_600_000;
    const market = visibleSeries(inputs.marketPrice, pricesKnownUntilUtcMs(inputs.priceVisibility, atUtcMs, inputs.site.zone), atUtcMs, fullEnd);
    const shortInput = decisionAssemblyInput(inputs, atUtcMs, plugged, 0);
    const fullInput = { ...shortInput, horizonEnd: fullEnd, signals: { ...shortInput.signals, ...siteSignals(inputs, market) } };
    const full = assembleProblem(fullInput).problem;
    expect(short.slotCount).toBeLessThan(full.slotCount);
    for (const baseline of ['llf', 'edf', 'round-robin'] as const) {
      const a = solveWithBaseline(short, baseline);
      const b = solveWithBaseline(full, baseline);
      for (const v of a.vehicles) expect(v.powerKw[0]).toBeCloseTo(b.vehicles.find((w) => w.id === v.id)!.powerKw[0]!, 9);
    }
  });
});
