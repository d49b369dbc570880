/**
 * Re-planning through the queue, as the API drives it: every change to a site queues a re-plan that is
 * deduplicated and debounced per site (several changes in a burst make one plan that names them all; a
 * stream of changes is planned at the latest REPLAN_MAX_WAIT_MS after the first), and each site's cron
 * schedule re-plans it at the local time of its own zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueEvents, untilIdle } from '../queue-idle.ts';
import { aSession, aSite, baselineSolver, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';

const hour = 3_600_000;

describe('re-plans through the queue', () => {
  let h: Harness;
  let events: QueueEvents;
  const history = async (site: string) => json(await h.request('read', { method: 'GET', url: `/v1/sites/${site}/plans?limit=100` })).plans as { id: string; createdAt: string; trigger: string[] }[];
  /** Lets the queue run whatever is due at the current (manual) time. */
  const drain = () =>
    untilIdle(events, async () => {
      const c = await h.service.ctx.queue.counts();
      return c.active === 0 && c.waiting === 0;
    }, 5_000, 'the queue to drain');

  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver, config: { replanDebounceMs: 250, replanMaxWaitMs: 2_000 } });
    events = new QueueEvents(h.service.ctx.queue);
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite({ replanSchedules: [{ cron: '5 13 * * *', description: 'after day-ahead' }] }) });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite({ id: 'ny-depot', timeZone: 'America/New_York', currency: 'EUR', replanSchedules: [{ cron: '0 6 * * *' }] }) });
    for (const site of ['depot-1', 'ny-depot']) await h.request('dispatch', { method: 'POST', url: `/v1/sites/${site}/signals/import-price`, payload: priceSeries(t0, 30) });
    await h.settle();
  });
  afterAll(() => h.close());

  it('a burst of changes to one site is one re-plan naming every change; another site is planned apart', async () => {
    const before = (await history('depot-1')).length;
    const beforeNy = (await history('ny-depot')).length;
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-1' }) });
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-2', chargerId: 'cp-2' }) });
    await h.request('admin', { method: 'PATCH', url: '/v1/sites/depot-1/sessions/ev-1', payload: { socPercent: 55 } });
    const upload = json(await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/pv', payload: { unit: 'kW', intervals: [{ start: new Date(t0).toISOString(), end: new Date(t0 + 30 * hour).toISOString(), value: 5 }] } }));
    await h.request('admin', { method: 'POST', url: '/v1/sites/ny-depot/sessions', payload: aSession({ id: 'ny-1' }) });

    // one pending job per site, holding every reason of its site
    const job = json(await h.request('read', { method: 'GET', url: upload.replan.href }));
    expect(job.state).toBe('delayed');
    expect(job.reasons).toEqual(['session ev-1 created', 'session ev-2 created', 'session ev-1 updated', 'pv signal']);
    expect((await h.service.ctx.queue.counts()).delayed).toBe(2);

    // nothing runs before the debounce has passed
    await h.clock.advanceBy(200);
    await drain();
    expect(await history('depot-1')).toHaveLength(before);

    await h.clock.advanceBy(100);
    await drain();
    const after = await history('depot-1');
    expect(after).toHaveLength(before + 1);
    expect(after[0]!.trigger).toEqual(job.reasons);
    expect(await history('ny-depot')).toHaveLength(beforeNy + 1);
    expect((await history('ny-depot'))[0]!.trigger).toEqual(['session ny-1 created']);
  });

  it('a steady stream of changes is planned at the latest REPLAN_MAX_WAIT_MS after the first', async () => {
    const before = (await history('depot-1')).length;
    const first = h.clock.nowUtcMs();
    // a change every 200 ms (below the 250 ms debounce) for 3 s
    for (let i = 0; i < 15; i++) {
      await h.request('admin', { method: 'PATCH', url: '/v1/sites/depot-1/sessions/ev-2', payload: { socPercent: 30 + i } });
      await h.clock.advanceBy(200);
      await drain();
    }
    const made = (await history('depot-1')).slice(0, (await history('depot-1')).length - before);
    expect(made.length).toBeGreaterThanOrEqual(1);
    const firstPlanAt = Math.min(...made.map((p) => Date.parse(p.createdAt)));
    expect(firstPlanAt - first).toBeLessThanOrEqual(2_000);
    expect(firstPlanAt - first).toBeGreaterThan(250);
  });

  it("each site's schedule re-plans it at the local time of its zone", async () => {
    await h.settle();
    const site = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1' }));
    const ny = json(await h.request('read', { method: 'GET', url: '/v1/sites/ny-depot' }));
    // 13:05 in Berlin (CEST) is 11:05Z; 06:00 in New York (EDT) is 10:00Z
    expect(site.replanSchedules[0].nextRunAt).toBe('2025-06-02T13:05:00+02:00');
    expect(ny.replanSchedules[0].nextRunAt).toBe('2025-06-02T06:00:00-04:00');

    const scheduled = async (id: string) => (await history(id)).filter((p) => p.trigger.some((t) => t.startsWith('schedule ')));
    expect(await scheduled('depot-1')).toEqual([]);
    await h.clock.advanceBy(Date.parse('2025-06-02T10:00:00Z') - h.clock.nowUtcMs());
    await drain();
    await h.clock.advanceBy(h.config.replanMaxWaitMs + 1);
    await drain();
    expect((await scheduled('ny-depot')).map((p) => p.trigger)).toEqual([['schedule 0 6 * * *']]);
    expect(await scheduled('depot-1')).toEqual([]);

    await h.clock.advanceBy(Date.parse('2025-06-02T11:05:00Z') - h.clock.nowUtcMs());
    await drain();
    await h.clock.advanceBy(h.config.replanMaxWaitMs + 1);
    await drain();
    const berlin = await scheduled('depot-1');
    expect(berlin.map((p) => p.trigger)).toEqual([['schedule 5 13 * * * (after day-ahead)']]);
    expect(Date.parse(berlin[0]!.createdAt)).toBeGreaterThanOrEqual(Date.parse('2025-06-02T11:05:00Z'));
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1' })).replanSchedules[0].nextRunAt).toBe('2025-06-03T13:05:00+02:00');
  });
});
