/**
 * The demo site seeding (adapters/service/demo-site.ts), which the benchmarks use for hundreds of 500-vehicle
 * sites: what it stores is pinned by a checksum (taken on the code before the seeding was made faster, main
 * b633903), and seeding over an earlier site replaces everything of it.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { defaultConfig } from '../../../adapters/config.ts';
import type { ServiceContext } from '../../../adapters/service/context.ts';
import { demoChargerId, seedDemoSite } from '../../../adapters/service/demo-site.ts';
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import { aSessionRecord } from './builders.ts';

const T0 = Date.parse('2026-12-07T22:07:00Z');

function harness() {
  const store = new MemoryStore();
  const schedulers: string[] = [];
  const queue = {
    removeJobScheduler: async () => true,
    upsertJobScheduler: async (id: string) => void schedulers.push(id),
  };
  const ctx = { config: defaultConfig({ demo: false }), clock: new ManualClock(T0), store, queue } as unknown as ServiceContext;
  return { ctx, store, schedulers };
}

/** sha256 of everything stored for the sites (site, sessions in their order, signals). */
async function checksum(store: MemoryStore, siteIds: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const id of siteIds) hash.update(JSON.stringify([await store.getSite(id), await store.listSessions(id), await store.getSignals(id)]));
  return hash.digest('hex');
}

describe('seedDemoSite', () => {
  it('stores the same sites, sessions and signals as before (checksum of 3 sites x 120 vehicles)', async () => {
    const { ctx, store, schedulers } = harness();
    const ids = ['pf-0001', 'pf-0002', 'pf-0003'];
    for (const [i, siteId] of ids.entries()) await seedDemoSite(ctx, { siteId, vehicles: 120, seed: i + 1, schedules: false, replan: false });
    expect((await store.listSessions('pf-0002')).length).toBe(120);
    expect(schedulers).toEqual([]);
    expect(await checksum(store, ids)).toBe('50e36f6d5e10ca00bb8285e2d41bc482be73363499aee72e6019864772e51d64');
  });

  it('replaces an earlier site: its sessions are gone, so a session on a demo charger does not clash', async () => {
    const { ctx, store } = harness();
    await seedDemoSite(ctx, { siteId: 'pf-0001', vehicles: 20, seed: 1, schedules: false, replan: false });
    const first = await checksum(store, ['pf-0001']);
    const sessions = await store.listSessions('pf-0001');
    // A session of the earlier site on the first demo charger over the whole horizon (it would clash if kept).
    await store.putSession(aSessionRecord({ id: 'extra', siteId: 'pf-0001', chargerId: demoChargerId(0), arrivalUtcMs: T0 - 3_600_000, departureUtcMs: T0 + 48 * 3_600_000 }));
    await store.deleteSession('pf-0001', sessions[0]!.id);
    await seedDemoSite(ctx, { siteId: 'pf-0001', vehicles: 20, seed: 1, schedules: false, replan: false });
    expect((await store.listSessions('pf-0001')).map((s) => s.id)).toEqual(sessions.map((s) => s.id));
    expect(await checksum(store, ['pf-0001'])).toBe(first);
  });
});
