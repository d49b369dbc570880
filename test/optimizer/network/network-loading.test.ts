/** The network KPIs: NEMA current unbalance, element peaks against limits, slots over a limit. */
import { describe, expect, it } from 'vitest';
import { nemaUnbalancePct, networkLoading } from '../../../optimizer/network/network-loading.ts';
import { caltechNetwork } from './network-builders.ts';

describe('nemaUnbalancePct', () => {
  it('largest deviation from the mean of the three, over the mean', () => {
    expect(nemaUnbalancePct(10, 10, 10)).toBe(0);
    expect(nemaUnbalancePct(12, 10, 8)).toBeCloseTo(20, 12);
    expect(nemaUnbalancePct(40, 40, 0)).toBeCloseTo(100, 12);
    expect(nemaUnbalancePct(30, 0, 0)).toBeCloseTo(200, 12);
    expect(Number.isNaN(nemaUnbalancePct(0, 0, 0))).toBe(true);
  });
});

describe('networkLoading on the Caltech network (50 kVA: 138.9 A secondary, 60.2 A primary)', () => {
  // Slot 0: one AB charger at 32 A (6.656 kW); slot 1: AB, BC and CA at 32 A each (balanced); slot 2: nothing.
  const kw = 6.656;
  const power = new Map<string, number[]>([
    ['CA-308', [kw, kw, 0]],
    ['CA-304', [0, kw, 0]],
    ['CA-307', [0, kw, 0]],
  ]);
  const loading = networkLoading(caltechNetwork(50), power, 3);
  const element = (name: string) => loading.elements.find((e) => e.name === name)!;

  it('per slot: one line pair loads two lines (100 % unbalance), three balanced line pairs none; an idle slot has none', () => {
    expect(loading.secondaryUnbalancePct[0]).toBeCloseTo(100, 9);
    expect(loading.secondaryUnbalancePct[1]).toBeCloseTo(0, 9);
    expect(Number.isNaN(loading.secondaryUnbalancePct[2]!)).toBe(true);
    expect(loading.meanSecondaryUnbalancePct).toBeCloseTo(50, 9);
    expect(loading.maxSecondaryUnbalancePct).toBeCloseTo(100, 9);
  });

  it('peaks: balanced 32 A per line pair is 32 x sqrt 3 = 55.4 A per secondary line, 32 x 3 / 4 = 24 A per primary line', () => {
    expect(element('transformer secondary line a').peakA).toBeCloseTo(32 * Math.sqrt(3), 6);
    expect(element('transformer secondary line a').peakSlot).toBe(1);
    expect(element('transformer primary line a').peakA).toBeCloseTo(24, 6);
    expect(element('group AB').peakA).toBeCloseTo(32, 6);
    expect(element('group AB').limitA).toBeUndefined();
    expect(element('transformer secondary line a').peakLoadingPct).toBeCloseTo((100 * 32 * Math.sqrt(3)) / (50_000 / 360), 6);
    expect(loading.elements.every((e) => e.slotsOverLimit === 0)).toBe(true);
  });

  it('counts slots above a limit: the same load on a 15 kVA transformer (41.7 A per line)', () => {
    const small = networkLoading(caltechNetwork(15), power, 3);
    const secondary = small.elements.find((e) => e.name === 'transformer secondary line a')!;
    expect(secondary.slotsOverLimit).toBe(1);
    expect(small.peakLoadingPct!).toBeGreaterThan(100);
  });
});
