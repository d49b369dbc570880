/** What every PortfolioStore does (portfolio-store.ts), run against memory and Redis. */
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { PortfolioRecord, PortfolioStore } from '../../../adapters/store/portfolio-store.ts';
import { StoreConflictError, type Unrevised } from '../../../adapters/store/store-conflict.ts';

export const aPortfolioRecord = (id: string, over: Partial<PortfolioRecord> = {}): Unrevised<PortfolioRecord> => ({
  id,
  name: `Portfolio ${id}`,
  kind: 'feeder',
  timeZone: 'Europe/Berlin',
  siteIds: ['a', 'b'],
  sharedLimits: { importLimitKw: 500, windows: [{ startUtcMs: 1, endUtcMs: 2, exportLimitKw: 0, reason: 'dso' }] },
  createdAtUtcMs: 10,
  updatedAtUtcMs: 10,
  ...over,
});

export function describePortfolioStoreConformance(name: string, make: () => Promise<{ store: PortfolioStore; peer: PortfolioStore; cleanup: () => Promise<void> }>): void {
  describe(`${name} (portfolio store conformance)`, () => {
    let store: PortfolioStore;
    let peer: PortfolioStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, peer, cleanup } = await make());
    });
    afterEach(() => cleanup());

    it('answers undefined and false for an unknown id', async () => {
      expect(await store.get('nope')).toBeUndefined();
      expect(await store.delete('nope')).toBe(false);
      expect(await store.list()).toEqual([]);
    });

    it('puts with revisions 1, 2, ... and reads back exactly, frozen, in first-put order', async () => {
      const first = await store.put(aPortfolioRecord('p2'));
      expect(first.revision).toBe(1);
      await store.put(aPortfolioRecord('p1', { kind: 'market' }));
      const second = await store.put({ ...aPortfolioRecord('p2', { name: 'renamed' }), revision: 99 });
      expect(second).toEqual({ ...aPortfolioRecord('p2', { name: 'renamed' }), revision: 2 });
      expect(await peer.get('p2')).toEqual(second);
      expect(Object.isFrozen(await store.get('p2'))).toBe(true);
      expect((await peer.list()).map((p) => [p.id, p.revision])).toEqual([
        ['p2', 2],
        ['p1', 1],
      ]);
    });

    it('a conditional put on another revision writes nothing and rejects with StoreConflictError', async () => {
      await store.put(aPortfolioRecord('p'));
      await expect(store.put(aPortfolioRecord('p', { name: 'x' }), { expectedRevision: 0 })).rejects.toBeInstanceOf(StoreConflictError);
      await expect(peer.put(aPortfolioRecord('p', { name: 'x' }), { expectedRevision: 2 })).rejects.toMatchObject({ kind: 'portfolio', actualRevision: 1 });
      expect((await store.get('p'))?.name).toBe('Portfolio p');
      expect((await peer.put(aPortfolioRecord('p', { name: 'y' }), { expectedRevision: 1 })).revision).toBe(2);
    });

    it('of two concurrent conditional puts on one revision exactly one wins', async () => {
      await store.put(aPortfolioRecord('p'));
      const results = await Promise.allSettled([store.put(aPortfolioRecord('p', { name: 'a' }), { expectedRevision: 1 }), peer.put(aPortfolioRecord('p', { name: 'b' }), { expectedRevision: 1 })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await store.get('p'))?.revision).toBe(2);
    });

    it('deletes', async () => {
      await store.put(aPortfolioRecord('p'));
      expect(await peer.delete('p')).toBe(true);
      expect(await store.get('p')).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });
  });
}
