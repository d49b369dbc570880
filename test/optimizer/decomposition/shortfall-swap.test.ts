/**
 * Departure shortfalls moved onto vehicles with surplus (optimizer/decomposition/shortfall-swap.ts), on random
 * depots with 6 A minimum currents and V2G, from random plans that keep every vehicle's power and energy
 * bounds: after the swap every slot's summed power is unchanged (one site) or the feeder sum is unchanged and
 * each site moved within its rooms (several sites); every power is still 0 or within its minimum and maximum;
 * every energy stays within floor and capacity; a donor ends at or above its requirement when it started so;
 * and the total shortfall falls by exactly what the swap returns.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dpVehicles } from '../../../optimizer/decomposition/dp-vehicles.ts';
import { swapToShortfalls, type SwapSites } from '../../../optimizer/decomposition/shortfall-swap.ts';
import type { DpVehicle } from '../../../optimizer/decomposition/vehicle-dp.ts';
import { resolveProblem, type ResolvedProblem } from '../../../optimizer/resolved-problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const T = 24;
const tol = 1e-6;

/** A random plan within every vehicle's bounds: per slot charge, idle or discharge at a feasible power. */
function randomPlan(rp: ResolvedProblem, vehicles: readonly DpVehicle[], rand: () => number): Float64Array[] {
  const dt = rp.slotHours;
  return vehicles.map((v, i) => {
    const r = rp.vehicles[i]!;
    const p = new Float64Array(T);
    let e = v.initialEnergyKwh;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const u = rand();
      const chargeRoom = Math.min(v.maxChargeKw[t]!, (Math.max(v.capacityKwh, v.initialEnergyKwh) - e) / (dt * v.chargeEfficiency));
      const dischargeRoom = Math.min(v.maxDischargeKw[t]!, ((e - Math.min(v.floorEnergyKwh, v.initialEnergyKwh)) * v.dischargeEfficiency) / dt);
      if (u < 0.45 && chargeRoom >= r.minChargeKw && chargeRoom > 0) p[t] = r.minChargeKw + rand() * (chargeRoom - r.minChargeKw);
      else if (u > 0.85 && dischargeRoom >= r.minDischargeKw && dischargeRoom > 0) p[t] = -(r.minDischargeKw + rand() * (dischargeRoom - r.minDischargeKw));
      e += p[t]! > 0 ? dt * v.chargeEfficiency * p[t]! : (dt * p[t]!) / v.dischargeEfficiency;
    }
    return p;
  });
}

function energies(v: DpVehicle, p: Float64Array, dt: number): number[] {
  const e = [v.initialEnergyKwh];
  for (let t = v.arrivalSlot; t < v.endSlot; t++) e.push(e.at(-1)! + (p[t]! > 0 ? dt * v.chargeEfficiency * p[t]! : (dt * p[t]!) / v.dischargeEfficiency));
  return e;
}

const shortOf = (vehicles: readonly DpVehicle[], powers: readonly Float64Array[], dt: number) =>
  vehicles.reduce((a, v, i) => a + Math.max(0, v.requiredEnergyKwh - energies(v, powers[i]!, dt).at(-1)!), 0);

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function expectBounds(rp: ResolvedProblem, vehicles: readonly DpVehicle[], before: readonly Float64Array[], after: readonly Float64Array[]) {
  const dt = rp.slotHours;
  vehicles.forEach((v, i) => {
    const r = rp.vehicles[i]!;
    for (let t = 0; t < T; t++) {
      const p = after[i]![t]!;
      if (t < v.arrivalSlot || t >= v.endSlot) expect(p).toBe(0);
      else if (p > tol) expect(p >= r.minChargeKw - tol && p <= v.maxChargeKw[t]! + tol).toBe(true);
      else if (p < -tol) expect(-p >= r.minDischargeKw - tol && -p <= v.maxDischargeKw[t]! + tol).toBe(true);
    }
    const e = energies(v, after[i]!, dt);
    for (const x of e) {
      expect(x).toBeLessThanOrEqual(Math.max(v.capacityKwh, v.initialEnergyKwh) + tol);
      expect(x).toBeGreaterThanOrEqual(Math.min(v.floorEnergyKwh, v.initialEnergyKwh) - tol);
    }
    const endBefore = energies(v, before[i]!, dt).at(-1)!;
    if (endBefore >= v.requiredEnergyKwh) expect(e.at(-1)!).toBeGreaterThanOrEqual(v.requiredEnergyKwh - tol);
  });
}

describe('swapToShortfalls', () => {
  it('property (one site): slot sums unchanged, bounds kept, donors keep their requirement, shortfall falls by what it returns', () => {
    let helped = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 4, max: 14 }), (seed, n) => {
        const rp = resolveProblem(generateDepot({ vehicles: n, slots: T, seed }));
        const vehicles = dpVehicles(rp);
        const before = randomPlan(rp, vehicles, mulberry(seed));
        const after = before.map((p) => p.slice());
        const removed = swapToShortfalls(rp, vehicles, after);
        for (let t = 0; t < T; t++) expect(after.reduce((a, p) => a + p[t]!, 0)).toBeCloseTo(before.reduce((a, p) => a + p[t]!, 0), 6);
        expectBounds(rp, vehicles, before, after);
        expect(removed).toBeGreaterThanOrEqual(0);
        if (removed > 1e-3) helped++;
        expect(shortOf(vehicles, after, rp.slotHours)).toBeCloseTo(shortOf(vehicles, before, rp.slotHours) - removed, 6);
      }),
      { numRuns: 60, seed: 17 },
    );
    // The random plans leave shortfalls next to surpluses: the swap moves some (not a vacuous property).
    expect(helped).toBeGreaterThan(5);
  });

  it('property (several sites): the feeder sum per slot unchanged, each site moved within its rooms', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 3 }), fc.double({ min: 0, max: 20, noNaN: true }), (seeds, roomKw) => {
        const rps = seeds.map((seed) => resolveProblem(generateDepot({ vehicles: 5, slots: T, seed })));
        const rp = { ...rps[0]!, vehicles: rps.flatMap((r) => r.vehicles) };
        const vehicles = rps.flatMap(dpVehicles);
        const before = rps.flatMap((r, k) => randomPlan(r, dpVehicles(r), mulberry(seeds[k]!)));
        const after = before.map((p) => p.slice());
        const siteOf = Int32Array.from(rps.flatMap((r, k) => r.vehicles.map(() => k)));
        const sites: SwapSites = { siteOf, upKw: rps.map(() => new Float64Array(T).fill(roomKw)), downKw: rps.map(() => new Float64Array(T).fill(roomKw)) };
        const removed = swapToShortfalls(rp, vehicles, after, sites);
        const sum = (ps: readonly Float64Array[], k: number | undefined, t: number) => ps.reduce((a, p, i) => a + (k === undefined || siteOf[i] === k ? p[t]! : 0), 0);
        for (let t = 0; t < T; t++) {
          expect(sum(after, undefined, t)).toBeCloseTo(sum(before, undefined, t), 6);
          rps.forEach((_, k) => {
            const moved = sum(after, k, t) - sum(before, k, t);
            expect(moved).toBeLessThanOrEqual(roomKw + tol);
            expect(moved).toBeGreaterThanOrEqual(-roomKw - tol);
            // The rooms left say the same.
            expect(sites.upKw[k]![t]!).toBeCloseTo(roomKw - moved, 6);
          });
        }
        expectBounds(rp, vehicles, before, after);
        expect(shortOf(vehicles, after, rp.slotHours)).toBeCloseTo(shortOf(vehicles, before, rp.slotHours) - removed, 6);
      }),
      { numRuns: 40, seed: 17 },
    );
  });

  it('property (several sites, feeder room): the feeder sum rises by at most its room per slot, never a site past its room; the rooms left say so', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 3 }), fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true }), fc.boolean(), (seeds, roomKw, feederKw, allIdle) => {
        const rps = seeds.map((seed) => resolveProblem(generateDepot({ vehicles: 5, slots: T, seed })));
        const rp = { ...rps[0]!, vehicles: rps.flatMap((r) => r.vehicles) };
        const vehicles = rps.flatMap(dpVehicles);
        // The first site idle (its vehicles short, no donor among them), the others random or idle too (no donor at all).
        const before = rps.flatMap((r, k) => (k === 0 || allIdle ? r.vehicles.map(() => new Float64Array(T)) : randomPlan(r, dpVehicles(r), mulberry(seeds[k]!))));
        const after = before.map((p) => p.slice());
        const siteOf = Int32Array.from(rps.flatMap((r, k) => r.vehicles.map(() => k)));
        const sites: SwapSites = {
          siteOf,
          upKw: rps.map(() => new Float64Array(T).fill(roomKw)),
          downKw: rps.map(() => new Float64Array(T).fill(roomKw)),
          feederUpKw: new Float64Array(T).fill(feederKw),
        };
        const removed = swapToShortfalls(rp, vehicles, after, sites);
        const sum = (ps: readonly Float64Array[], k: number | undefined, t: number) => ps.reduce((a, p, i) => a + (k === undefined || siteOf[i] === k ? p[t]! : 0), 0);
        for (let t = 0; t < T; t++) {
          const rise = sum(after, undefined, t) - sum(before, undefined, t);
          expect(rise).toBeGreaterThanOrEqual(-tol);
          expect(rise).toBeLessThanOrEqual(feederKw + tol);
          expect(sites.feederUpKw![t]!).toBeCloseTo(feederKw - rise, 6);
          rps.forEach((_, k) => {
            const moved = sum(after, k, t) - sum(before, k, t);
            expect(moved).toBeLessThanOrEqual(roomKw + tol);
            expect(sites.upKw[k]![t]!).toBeCloseTo(roomKw - moved, 6);
          });
        }
        expectBounds(rp, vehicles, before, after);
        expect(shortOf(vehicles, after, rp.slotHours)).toBeCloseTo(shortOf(vehicles, before, rp.slotHours) - removed, 6);
      }),
      { numRuns: 40, seed: 17 },
    );
  });

  it('short vehicles with no donor (every vehicle short, idle) take the feeder room, within their site room', () => {
    const rps = [1, 2].map((seed) => {
      const problem = generateDepot({ vehicles: 8, slots: T, seed });
      return resolveProblem({ ...problem, vehicles: problem.vehicles.filter((v) => v.targetEnergyKwh > v.energyKwh + 1) });
    });
    const rp = { ...rps[0]!, vehicles: rps.flatMap((r) => r.vehicles) };
    const vehicles = rps.flatMap(dpVehicles);
    const powers = vehicles.map(() => new Float64Array(T));
    const siteOf = Int32Array.from(rps.flatMap((r, k) => r.vehicles.map(() => k)));
    const sites: SwapSites = { siteOf, upKw: rps.map(() => new Float64Array(T).fill(8)), downKw: rps.map(() => new Float64Array(T)), feederUpKw: new Float64Array(T).fill(12) };
    const removed = swapToShortfalls(rp, vehicles, powers, sites);
    expect(removed).toBeGreaterThan(0);
    for (let t = 0; t < T; t++) {
      const rise = powers.reduce((a, p) => a + p[t]!, 0);
      expect(rise).toBeLessThanOrEqual(12 + tol);
      expect(sites.feederUpKw![t]!).toBeCloseTo(12 - rise, 6);
      rps.forEach((_, k) => expect(powers.reduce((a, p, i) => a + (siteOf[i] === k ? p[t]! : 0), 0)).toBeLessThanOrEqual(8 + tol));
    }
    expectBounds(rp, vehicles, vehicles.map(() => new Float64Array(T)), powers);
  });
});
