/**
 * The change feed (memory) and the store / status-board decorators that announce writes on it: every
 * successful write of a site, session, signals, dispatch, plan (and a failed attempt), charger link and delivery
 * is announced once, a failed write (a revision conflict) announces nothing, and a listener that throws breaks
 * neither the feed nor the others.
 */
import { describe, expect, it } from 'vitest';
import { changeOf, MemoryChangeFeed, type Change } from '../../../adapters/change-feed/change-feed.ts';
import { changeNotifyingStatusBoard, changeNotifyingStore } from '../../../adapters/change-feed/change-notifying-store.ts';
import { MemoryChargerStatusBoard } from '../../../adapters/store/memory-charger-status.ts';
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import { StoreConflictError } from '../../../adapters/store/store-conflict.ts';
import type { SessionRecord, SiteRecord } from '../../../adapters/store/records.ts';

const clock = { nowUtcMs: () => 1_000 };

/** Collects what the feed delivers; `settled` waits for deliveries scheduled so far (setImmediate). */
function collector(feed: MemoryChangeFeed) {
  const seen: Change[] = [];
  feed.subscribe((c) => seen.push(c));
  return { seen, settled: () => new Promise<void>((resolve) => setImmediate(resolve)) };
}

const site: SiteRecord = {
  id: 's1', name: 'S', timeZone: 'Europe/Berlin', currency: 'EUR', slotMinutes: 15, connectionImportKw: 100, chargers: [{ id: 'cp-1', maxPowerKw: 11, canDischarge: false }],
  tariff: { energyPrice: 'market' }, replanSchedules: [], createdAtUtcMs: 0, updatedAtUtcMs: 0, revision: 0,
};
const session: SessionRecord = {
  id: 'v1', siteId: 's1', chargerId: 'cp-1', arrivalUtcMs: 0, departureUtcMs: 3_600_000, capacityKwh: 60, socPercent: 40, measuredAtUtcMs: 0, targetSocPercent: 80,
  v2gConsent: false, createdAtUtcMs: 0, updatedAtUtcMs: 0, revision: 0,
};

describe('change-notifying store', () => {
  it('announces each successful write with its kind, site and id', async () => {
    const feed = new MemoryChangeFeed();
    const { seen, settled } = collector(feed);
    const store = changeNotifyingStore(new MemoryStore(), feed, clock);
    await store.putSite(site);
    await store.putSession(session);
    await store.putSignals('s1', { series: {}, capacityLimits: [], revision: 0 });
    await store.putDispatch({ id: 'd1', siteId: 's1', kind: 'import-limit', powerKw: 10, startUtcMs: 0, endUtcMs: 1, status: 'active', requestedBy: 't', createdAtUtcMs: 0, revision: 0 });
    await store.putPlanAttempt('s1', { atUtcMs: 1, jobId: 'j', ok: false, code: 'X' });
    await store.putPlanAttempt('s1', { atUtcMs: 2, jobId: 'j', ok: true });
    await store.deleteSession('s1', 'v1');
    await store.deleteSession('s1', 'v1');
    await settled();
    expect(seen.map((c) => [c.kind, c.siteId, c.id])).toEqual([
      ['site', 's1', 's1'],
      ['session', 's1', 'v1'],
      ['signals', 's1', undefined],
      ['dispatch', 's1', 'd1'],
      ['plan', 's1', undefined],
      ['session', 's1', 'v1'],
    ]);
    expect(seen.every((c) => c.atUtcMs === 1_000)).toBe(true);
  });

  it('announces nothing when the write fails', async () => {
    const feed = new MemoryChangeFeed();
    const { seen, settled } = collector(feed);
    const store = changeNotifyingStore(new MemoryStore(), feed, clock);
    await store.putSite(site);
    await settled();
    seen.length = 0;
    await expect(store.putSite(site, { expectedRevision: 7 })).rejects.toBeInstanceOf(StoreConflictError);
    await settled();
    expect(seen).toEqual([]);
  });
});

describe('change-notifying charger status board', () => {
  it('announces links and deliveries as charger changes naming the charge point', async () => {
    const feed = new MemoryChangeFeed();
    const { seen, settled } = collector(feed);
    const board = changeNotifyingStatusBoard(new MemoryChargerStatusBoard(), feed, clock);
    await board.putLink('CP-9', { connected: true, version: 'ocpp1.6', sinceUtcMs: 5 });
    await board.putDelivery('CP-9', { evseId: 1, status: 'applied', attempts: 1, atUtcMs: 6 } as never);
    await board.putGatewayBeat('gw', 7);
    await settled();
    expect(seen.map((c) => [c.kind, c.id])).toEqual([
      ['charger', 'CP-9'],
      ['charger', 'CP-9'],
    ]);
  });
});

describe('MemoryChangeFeed', () => {
  it('keeps delivering to the other listeners when one throws, and reports the error', async () => {
    const errors: Error[] = [];
    const feed = new MemoryChangeFeed((e) => errors.push(e));
    feed.subscribe(() => {
      throw new Error('boom');
    });
    const { seen, settled } = collector(feed);
    await feed.publish({ kind: 'plan', siteId: 's', atUtcMs: 1 });
    await settled();
    expect(seen).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual(['boom']);
  });

  it('parses only well-formed changes from the wire', () => {
    expect(changeOf('{"kind":"plan","siteId":"s","id":"p","atUtcMs":3}')).toEqual({ kind: 'plan', siteId: 's', id: 'p', atUtcMs: 3 });
    expect(changeOf('{"kind":"nonsense","atUtcMs":3}')).toBeUndefined();
    expect(changeOf('{"kind":"plan"}')).toBeUndefined();
    expect(changeOf('not json')).toBeUndefined();
  });
});
