import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { MemoryIdempotencyStore } from '../../../adapters/store/memory-idempotency-store.ts';
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import type { PlanRecord, SessionRecord, SiteRecord } from '../../../adapters/store/records.ts';

const site: SiteRecord = {
  id: 's1', name: 'S', timeZone: 'UTC', currency: 'EUR', slotMinutes: 15, connectionImportKw: 10, chargers: [{ id: 'c1', maxPowerKw: 7, canDischarge: false }],
  tariff: { energyPrice: 'market' }, replanSchedules: [], createdAtUtcMs: 0, updatedAtUtcMs: 0, revision: 1,
};
const session: SessionRecord = {
  id: 'v1', siteId: 's1', chargerId: 'c1', arrivalUtcMs: 0, departureUtcMs: 3_600_000, capacityKwh: 50, energyKwh: 10, measuredAtUtcMs: 0,
  targetEnergyKwh: 40, v2gConsent: false, createdAtUtcMs: 0, updatedAtUtcMs: 0, revision: 1,
};
const plan = (id: string, at: number) => ({ id, siteId: 's1', createdAtUtcMs: at, jobId: `j-${id}` }) as unknown as PlanRecord;

describe('MemoryStore', () => {
  it('stores frozen records and returns them', async () => {
    const store = new MemoryStore();
    await store.putSite({ ...site });
    const got = (await store.getSite('s1'))!;
    expect(got).toEqual(site);
    expect(Object.isFrozen(got) && Object.isFrozen(got.chargers[0])).toBe(true);
    expect(await store.getSite('nope')).toBeUndefined();
    await expect(store.putSession({ ...session, siteId: 'nope' })).rejects.toThrow(/does not exist/);
  });

  it('keeps the plan history newest first up to its limit, with the current plan and attempts', async () => {
    const store = new MemoryStore();
    await store.putSite(site);
    for (let i = 1; i <= 4; i++) await store.putPlan(plan(`p${i}`, i), 3);
    expect((await store.listPlans('s1', 10)).map((p) => p.id)).toEqual(['p4', 'p3', 'p2']);
    expect(await store.getPlanState('s1')).toMatchObject({ currentPlanId: 'p4', lastAttempt: { ok: true, planId: 'p4' } });
    await store.putPlanAttempt('s1', { atUtcMs: 9, jobId: 'j9', ok: false, code: 'V2G_ERR_SOLVE_FAILED' });
    expect(await store.getPlanState('s1')).toMatchObject({ currentPlanId: 'p4', lastAttempt: { ok: false } });
    expect(await store.getPlan('s1', 'p1')).toBeUndefined();
  });

  it('deleting a site deletes everything of it', async () => {
    const store = new MemoryStore();
    await store.putSite(site);
    await store.putSession(session);
    await store.putSignals('s1', { series: {}, capacityLimits: [] });
    expect(await store.deleteSite('s1')).toBe(true);
    expect(await store.listSessions('s1')).toEqual([]);
    expect(await store.deleteSite('s1')).toBe(false);
    expect(await store.deleteSession('s1', 'v1')).toBe(false);
    expect((await store.getSignals('s1')).series).toEqual({});
  });
});

describe('MemoryIdempotencyStore', () => {
  it('claims, replays, detects mismatches and expires on the clock', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryIdempotencyStore(clock);
    expect(await store.claim('k', 'f1', 1_000)).toEqual({ state: 'claimed' });
    expect(await store.claim('k', 'f1', 1_000)).toEqual({ state: 'in-flight' });
    expect(await store.claim('k', 'f2', 1_000)).toEqual({ state: 'mismatch' });
    const response = { statusCode: 201, contentType: 'application/json', body: '{}' };
    await store.complete('k', response);
    expect(await store.claim('k', 'f1', 1_000)).toEqual({ state: 'completed', response });
    await clock.advanceBy(1_000);
    expect(await store.claim('k', 'f2', 1_000)).toEqual({ state: 'claimed' });
    await store.abandon('k');
    expect(store.size).toBe(0);
  });
});
