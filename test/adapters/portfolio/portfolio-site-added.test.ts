/**
 * A site added to a portfolio during a dispatch (and deleted again), end to end through the API in both modes:
 * replacing the portfolio queues its coordination at once (it is in use); the dispatch, split over three sites,
 * is split again over four (the newcomer carried no share: its load would have come on top), `resplits` names
 * it, and the four plans in force keep the dispatch's limit in every slot it is met. Deleting the site queues the
 * coordination too (`portfolio-replans` header) and the dispatch is split again without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { closeSharedPool, sharedSolver } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';
import { addDepot, feederOfThree, iso, ok, q, siteIds, sumOfPlansInForce } from './portfolio-kit.ts';

const dispatchKw = 20;
type Slot = { start: string; met: boolean; reason?: string; sites: { siteId: string }[] };

function suite(mode: ServiceMode) {
  let h: ModeHarness;
  let dispatchId: string;
  const portfolio = (ids: readonly string[]) => ({ name: 'Feeder 1', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds: ids, sharedLimits: { importLimitKw: 60, exportLimitKw: 60 } });
  beforeAll(async () => {
    h = await createModeHarness(mode, sharedSolver());
    await feederOfThree(h, 60);
    const start = Math.ceil(h.nowUtcMs() / q) * q + 2 * q;
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: { kind: 'import-limit', powerKw: dispatchKw, start: iso(start), end: iso(start + 6 * q) } }), 201);
    expect(d.status).toBe('planned');
    expect(new Set(d.siteDispatches.map((s: { siteId: string }) => s.siteId))).toEqual(new Set(siteIds));
    dispatchId = d.id;
    await addDepot(h, 'depot-4', 3);
    await h.settle();
  }, 300_000);
  afterAll(async () => {
    await h?.close();
    await closeSharedPool();
  });

  const dispatchAfterCoordination = async () => {
    // The coordination queued by the change, or a later one: POST .../plan waits for the portfolio's queue.
    ok(await h.request('admin', { method: 'POST', url: '/v1/portfolios/feeder-1/plan' }), 201);
    return ok(await h.request('read', { method: 'GET', url: `/v1/portfolios/feeder-1/dispatches/${dispatchId}` }), 200);
  };

  it('added: the portfolio is coordinated again, the dispatch split over four sites, the newcomer named, the limit kept', async () => {
    const put = await h.request('admin', { method: 'PUT', url: '/v1/portfolios/feeder-1', payload: portfolio([...siteIds, 'depot-4']) });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.headers['portfolio-replans']).toBe('feeder-1');
    const d = await dispatchAfterCoordination();
    expect(d.status).toBe('planned');
    expect(d.resplits.join('\n')).toMatch(/depot-4 joined the portfolio/);
    expect(new Set(d.siteDispatches.map((s: { siteId: string }) => s.siteId))).toEqual(new Set([...siteIds, 'depot-4']));
    const sum = await sumOfPlansInForce(h, [...siteIds, 'depot-4']);
    for (const s of d.slots as Slot[]) {
      expect(s.sites.map((x) => x.siteId).sort()).toEqual([...siteIds, 'depot-4']);
      // each site's plan view is rounded to the watt
      if (s.met) expect(sum.get(iso(Date.parse(s.start)))!).toBeLessThanOrEqual(dispatchKw + 4 * 0.5e-3 + 1e-9);
      else expect(s.reason).toMatch(/./);
    }
  }, 300_000);

  it('deleted: its portfolio is coordinated again at once, the dispatch split without it', async () => {
    const del = await h.request('admin', { method: 'DELETE', url: '/v1/sites/depot-4' });
    expect(del.statusCode).toBe(204);
    expect(del.headers['portfolio-replans']).toBe('feeder-1');
    const d = await dispatchAfterCoordination();
    expect(d.status).toBe('planned');
    expect(d.resplits.at(-1)).toMatch(/depot-4 no longer in the portfolio/);
    expect(new Set(d.siteDispatches.map((s: { siteId: string }) => s.siteId))).toEqual(new Set(siteIds));
  }, 300_000);
}

describe('portfolio dispatch: a site added, then deleted (embedded)', () => suite('embedded'));
describeWithRedis('portfolio dispatch: a site added, then deleted (Redis)', () => suite('redis'));
