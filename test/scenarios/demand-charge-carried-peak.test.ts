/**
 * The billing month's earlier peak (kW) is carried into the bill and into every MPC decision: with the
 * connection's whole 80 kW already set as the month's peak, that peak is paid for whatever happens, so MPC
 * lets the import rise to it for cheaper energy, and the demand charge is billed on it (3.75 EUR/kW).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeKpis, type Kpis } from '../../scenarios/kpis.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayResult } from '../../scenarios/replay-result.ts';
import { demoInputs, highsBackend } from './scenario-test-helpers.ts';

const pricePerKw = 3.75;
let fresh: Kpis;
let carriedRun: ReplayResult;
let carried: Kpis;

beforeAll(async () => {
  const deps = { solver: { backend: await highsBackend() }, clock: () => 0 };
  const run = (previousPeakKw: number) =>
    runReplay(demoInputs({ data: { demandCharge: { pricePerKw, previousPeakKw } } } as never), 'mpc', deps);
  fresh = computeKpis(run(0));
  carriedRun = run(80);
  carried = computeKpis(carriedRun);
});

describe('a peak of 80 kW carried into the billing month', () => {
  it('is billed: demand charge = 3.75 EUR/kW x max(carried, replay peak)', () => {
    expect(carriedRun.billing).toHaveLength(1);
    expect(carriedRun.billing[0]).toMatchObject({ key: '2023-06', pricePerKw, previousPeakKw: 80 });
    expect(carried.demandCharge).toBeCloseTo(pricePerKw * Math.max(80, carried.peakImportKw), 9);
  });

  it('reaches MPC: it buys cheaper energy up to the peak already paid for', () => {
    expect(fresh.peakImportKw).toBeLessThan(70);
    expect(carried.peakImportKw).toBeGreaterThan(fresh.peakImportKw + 5);
    expect(carried.peakImportKw).toBeLessThanOrEqual(80 + 1e-6);
    expect(carried.energyCost).toBeLessThan(fresh.energyCost);
  });
});
