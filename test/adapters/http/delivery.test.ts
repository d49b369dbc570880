/**
 * Plan delivery in the API (GET /v1/sites/{siteId}/delivery) and how the OCPP bridge fills the charger
 * status board it reads: a Rejected profile shows as not applied with the charger's reason; a status
 * board outage never fails the charger's message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { defaultConfig } from '../../../adapters/config.ts';
import { MemoryQueue } from '../../../adapters/queue/memory-queue.ts';
import { ChargerDirectory } from '../../../adapters/service/charger-directory.ts';
import { OcppBridge } from '../../../adapters/service/ocpp-bridge.ts';
import { mergeReplanData, type ReplanJobData, type ReplanJobResult } from '../../../adapters/service/replan-job.ts';
import { SitePlanCache } from '../../../adapters/service/site-plan-cache.ts';
import type { ChargerStatusBoard } from '../../../adapters/store/charger-status.ts';
import { MemoryChargerStatusBoard } from '../../../adapters/store/memory-charger-status.ts';
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import { aSiteRecord, T0 } from '../service/builders.ts';
import { aSite, baselineSolver, createHarness, json, t0, type Harness } from '../service-harness.ts';

describe('GET /v1/sites/{siteId}/delivery', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
  });
  afterAll(() => h.close());

  it('lists every charger as unknown before any gateway reported', async () => {
    const res = await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/delivery' });
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    expect(body.summary).toEqual({ chargers: 4, connected: 0, applied: 0, interim: 0, notApplied: 0, unmanaged: 0, pending: 0, unknown: 4 });
    expect(body.chargers.map((c: { chargerId: string; link?: unknown; delivery?: unknown }) => [c.chargerId, c.link, c.delivery])).toEqual([
      ['cp-1', undefined, undefined],
      ['cp-2', undefined, undefined],
      ['cp-3', undefined, undefined],
      ['cp-4', undefined, undefined],
    ]);
  });

  it('shows links and outcomes in the site zone: applied, not applied with the reason and the next retry, station caps', async () => {
    const board = h.service.ctx.chargerStatus;
    await board.putLink('cp-1', { connected: true, version: 'ocpp2.1', sinceUtcMs: t0, gateway: 'gw-a:1' });
    await board.putDelivery('cp-1', { evseId: 1, status: 'applied', planId: 'plan-9', purpose: 'TxProfile', profileId: 101, attempts: 1, atUtcMs: t0 + 1000 });
    await board.putDelivery('cp-1', { evseId: 0, status: 'applied', planId: 'plan-9', purpose: 'StationMaxProfile', attempts: 1, atUtcMs: t0 + 1000 });
    await board.putLink('cp-2', { connected: true, version: 'ocpp1.6', sinceUtcMs: t0 });
    await board.putDelivery('cp-2', {
      evseId: 1, status: 'not-applied', planId: 'plan-9', purpose: 'TxProfile', code: 'V2G_ERR_OCPP_PROFILE_REJECTED', message: 'Rejected', attempts: 3,
      nextRetryUtcMs: t0 + 60_000, atUtcMs: t0 + 2000, dischargeClamped: true,
    });
    await board.putLink('cp-3', { connected: false, sinceUtcMs: t0 + 5000, reason: '1006 connection lost' });
    const body = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/delivery' }));
    expect(body.summary).toEqual({ chargers: 4, connected: 2, applied: 1, interim: 0, notApplied: 1, unmanaged: 0, pending: 0, unknown: 1 });
    expect(body.chargers[0]).toEqual({
      chargerId: 'cp-1', chargePointId: 'cp-1', evseId: 1,
      link: { connected: true, version: 'ocpp2.1', since: '2025-06-02T10:00:00+02:00', gateway: 'gw-a:1' },
      delivery: { status: 'applied', planId: 'plan-9', current: false, purpose: 'TxProfile', profileId: 101, attempts: 1, at: '2025-06-02T10:00:01+02:00' },
      stationCaps: { status: 'applied', planId: 'plan-9', current: false, purpose: 'StationMaxProfile', attempts: 1, at: '2025-06-02T10:00:01+02:00' },
    });
    expect(body.chargers[1].delivery).toEqual({
      status: 'not-applied', planId: 'plan-9', current: false, purpose: 'TxProfile', code: 'V2G_ERR_OCPP_PROFILE_REJECTED', message: 'Rejected', attempts: 3,
      nextRetryAt: '2025-06-02T10:01:00+02:00', at: '2025-06-02T10:00:02+02:00', dischargeClamped: true,
    });
    expect(body.chargers[2].link).toEqual({ connected: false, since: '2025-06-02T10:00:05+02:00', reason: '1006 connection lost' });
  });

  it('404 for an unknown site, 401 without a token', async () => {
    const unknown = await h.request('read', { method: 'GET', url: '/v1/sites/nope/delivery' });
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).errors[0].pointer).toBe('/params/siteId');
    expect((await h.request('anonymous', { method: 'GET', url: '/v1/sites/depot-1/delivery' })).statusCode).toBe(401);
  });
});

describe('the OCPP bridge reports to the charger status board', () => {
  async function setup(status: ChargerStatusBoard) {
    const clock = new ManualClock(T0);
    const store = new MemoryStore();
    await store.putSite(aSiteRecord({ chargers: [{ id: 'CP-1', maxPowerKw: 11, canDischarge: false }] }));
    const queue = new MemoryQueue<ReplanJobData, ReplanJobResult>({ clock, timers: clock, merge: mergeReplanData });
    const warnings: string[] = [];
    const log = { debug: () => undefined, info: () => undefined, warn: (_: object, msg: string) => void warnings.push(msg) };
    const bridge = new OcppBridge({ store, queue, config: defaultConfig({ demo: false }), clock, directory: new ChargerDirectory({ store, clock }), plans: new SitePlanCache(store), log, status, gatewayName: 'gw:7' });
    return { bridge, warnings };
  }

  it('records connect, delivery outcomes (per EVSE, newest wins) and disconnect', async () => {
    const board = new MemoryChargerStatusBoard();
    const { bridge } = await setup(board);
    await bridge.chargerConnected({ chargerId: 'CP-1', version: '2.0.1', atUtcMs: T0 });
    await bridge.planDelivery({ chargerId: 'CP-1', evseId: 1, status: 'pending', planId: 'p1', attempts: 0, atUtcMs: T0 + 1 });
    await bridge.planDelivery({ chargerId: 'CP-1', evseId: 1, status: 'not-applied', planId: 'p1', code: 'V2G_ERR_OCPP_PROFILE_REJECTED', message: 'Rejected', attempts: 1, nextRetryUtcMs: T0 + 5000, atUtcMs: T0 + 2 });
    expect(await board.get('CP-1')).toEqual({
      chargePointId: 'CP-1',
      link: { connected: true, version: 'ocpp2.0.1', sinceUtcMs: T0, gateway: 'gw:7' },
      evses: [{ evseId: 1, status: 'not-applied', planId: 'p1', code: 'V2G_ERR_OCPP_PROFILE_REJECTED', message: 'Rejected', attempts: 1, nextRetryUtcMs: T0 + 5000, atUtcMs: T0 + 2 }],
    });
    await bridge.chargerDisconnected({ chargerId: 'CP-1', atUtcMs: T0 + 10, code: 1001, reason: 'going away' });
    expect((await board.get('CP-1'))!.link).toEqual({ connected: false, sinceUtcMs: T0 + 10, gateway: 'gw:7', reason: '1001 going away' });
  });

  it('a status board that cannot write is logged, and the charger message still succeeds', async () => {
    const broken: ChargerStatusBoard = {
      putLink: async () => Promise.reject(new Error('Redis is unavailable')),
      putDelivery: async () => Promise.reject(new Error('Redis is unavailable')),
      get: async () => undefined,
      getMany: async () => [],
      delete: async () => false,
      putGatewayBeat: async () => Promise.reject(new Error('Redis is unavailable')),
      getGatewayBeats: async () => new Map(),
    };
    const { bridge, warnings } = await setup(broken);
    await expect(bridge.chargerConnected({ chargerId: 'CP-1', version: '1.6', atUtcMs: T0 })).resolves.toBeUndefined();
    await expect(bridge.planDelivery({ chargerId: 'CP-1', evseId: 1, status: 'applied', attempts: 1, atUtcMs: T0 })).resolves.toBeUndefined();
    expect(warnings.filter((w) => /charger status could not be recorded/.test(w))).toHaveLength(2);
  });
});
