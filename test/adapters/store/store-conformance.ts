/**
 * The Store port's conformance suite (adapters/store/store.ts): every implementation must pass it, so
 * "the Redis store behaves as the memory store" is a test, not a claim. Run by
 * store-conformance.memory.test.ts and store-conformance.redis.test.ts.
 *
 * Besides one test per contract clause, a model-based property runs random operation sequences on the
 * implementation and on a reference MemoryStore and requires every answer (and every refusal) to match.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import { withOptimisticRetry } from '../../../adapters/store/optimistic-update.ts';
import type { Store } from '../../../adapters/store/store.ts';
import { StoreConflictError, type WriteCondition } from '../../../adapters/store/store-conflict.ts';
import { attemptRecord, dispatchRecord, planRecord, sessionRecord, signalsRecord, siteRecord, t0 } from './store-fixtures.ts';

export interface StoreHarness {
  readonly store: Store;
  /** A second store on the same data, as another process would hold (own connection); default `store`. */
  readonly peer?: Store;
  /** Drops everything the store wrote (and closes what the harness opened). */
  cleanup(): Promise<void>;
}

/** Observable state of a store over the ids the model test uses. */
async function observe(store: Store, siteIds: readonly string[], childIds: readonly string[]) {
  const sites = await store.listSites();
  const perSite = [];
  for (const siteId of siteIds) {
    perSite.push({
      site: await store.getSite(siteId),
      sessions: await store.listSessions(siteId),
      sessionById: await Promise.all(childIds.map((id) => store.getSession(siteId, id))),
      signals: await store.getSignals(siteId),
      dispatches: await store.listDispatches(siteId),
      dispatchById: await Promise.all(childIds.map((id) => store.getDispatch(siteId, id))),
      plans: await store.listPlans(siteId, 10),
      firstPlans: await store.listPlans(siteId, 2),
      planById: await Promise.all(childIds.map((id) => store.getPlan(siteId, id))),
      planState: await store.getPlanState(siteId),
    });
  }
  return { sites, perSite };
}

/** `expect`: the put's WriteCondition (absent: unconditional). */
type Op =
  | { kind: 'putSite'; site: string; revision: number; expect?: number }
  | { kind: 'deleteSite'; site: string }
  | { kind: 'putSession'; site: string; id: string; soc: number; expect?: number }
  | { kind: 'deleteSession'; site: string; id: string }
  | { kind: 'putSignals'; site: string; expect?: number }
  | { kind: 'putDispatch'; site: string; id: string; powerKw: number; expect?: number }
  | { kind: 'putPlan'; site: string; id: string; limit: number }
  | { kind: 'putPlanAttempt'; site: string; ok: boolean };

const siteIds = ['a', 'b:c'];
const childIds = ['x1', 'x2', 'x/3'];

function opArbitrary(): fc.Arbitrary<Op> {
  const site = fc.constantFrom(...siteIds);
  const id = fc.constantFrom(...childIds);
  const expect = fc.integer({ min: 0, max: 3 });
  const opt = { requiredKeys: ['kind', 'site'] as ('kind' | 'site')[] };
  return fc.oneof(
    fc.record({ kind: fc.constant('putSite' as const), site, revision: fc.integer({ min: 1, max: 9 }), expect }, { requiredKeys: ['kind', 'site', 'revision'] }),
    fc.record({ kind: fc.constant('deleteSite' as const), site }),
    fc.record({ kind: fc.constant('putSession' as const), site, id, soc: fc.integer({ min: 0, max: 100 }), expect }, { requiredKeys: ['kind', 'site', 'id', 'soc'] }),
    fc.record({ kind: fc.constant('deleteSession' as const), site, id }),
    fc.record({ kind: fc.constant('putSignals' as const), site, expect }, opt),
    fc.record({ kind: fc.constant('putDispatch' as const), site, id, powerKw: fc.integer({ min: 0, max: 500 }), expect }, { requiredKeys: ['kind', 'site', 'id', 'powerKw'] }),
    fc.record({ kind: fc.constant('putPlan' as const), site, id, limit: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('putPlanAttempt' as const), site, ok: fc.boolean() }),
  );
}

async function apply(store: Store, op: Op, step: number): Promise<unknown> {
  const condition = (e: number | undefined): WriteCondition | undefined => (e === undefined ? undefined : { expectedRevision: e });
  switch (op.kind) {
    case 'putSite':
      return store.putSite(siteRecord(op.site, { revision: op.revision }), condition(op.expect));
    case 'deleteSite':
      return store.deleteSite(op.site);
    case 'putSession':
      return store.putSession(sessionRecord(op.site, op.id, { socPercent: op.soc }), condition(op.expect));
    case 'deleteSession':
      return store.deleteSession(op.site, op.id);
    case 'putSignals':
      return store.putSignals(op.site, { ...signalsRecord(), updatedAtUtcMs: t0 + step }, condition(op.expect));
    case 'putDispatch':
      return store.putDispatch(dispatchRecord(op.site, op.id, { powerKw: op.powerKw }), condition(op.expect));
    case 'putPlan':
      return store.putPlan(planRecord(op.site, op.id, t0 + step, `job-${step}`), op.limit);
    case 'putPlanAttempt':
      return store.putPlanAttempt(op.site, attemptRecord(`job-${step}`, op.ok, t0 + step));
  }
}

/** Resolves to `{ ok: value }`, `{ conflict: actualRevision }` or `{ refused: true }` (the message differs per implementation). */
async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await p };
  } catch (error) {
    return error instanceof StoreConflictError ? { conflict: error.actualRevision } : { refused: true };
  }
}

export function describeStoreConformance(label: string, setup: () => Promise<StoreHarness>): void {
  describe(`Store conformance: ${label}`, () => {
    let h: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      h = await setup();
      store = h.store;
    });

    afterEach(async () => {
      await h.cleanup();
    });

    describe('sites', () => {
      it('answers undefined / empty for unknown ids and never throws for them', async () => {
        expect(await store.getSite('nope')).toBeUndefined();
        expect(await store.listSites()).toEqual([]);
        expect(await store.deleteSite('nope')).toBe(false);
        expect(await store.listSessions('nope')).toEqual([]);
        expect(await store.getSession('nope', 'x')).toBeUndefined();
        expect(await store.deleteSession('nope', 'x')).toBe(false);
        expect(await store.getSignals('nope')).toEqual({ series: {}, capacityLimits: [], revision: 0 });
        expect(await store.listDispatches('nope')).toEqual([]);
        expect(await store.getDispatch('nope', 'x')).toBeUndefined();
        expect(await store.listPlans('nope', 5)).toEqual([]);
        expect(await store.getPlan('nope', 'p')).toBeUndefined();
        expect(await store.getPlanState('nope')).toEqual({});
      });

      it('puts, reads back deep-equal and frozen, lists in first-put order, and an update keeps the place', async () => {
        const a = siteRecord('a');
        await store.putSite(a);
        await store.putSite(siteRecord('b'));
        await store.putSite(siteRecord('c'));
        await store.putSite(siteRecord('a', { name: 'renamed', revision: 2 }));
        const got = await store.getSite('a');
        expect(got).toEqual(siteRecord('a', { name: 'renamed', revision: 2 }));
        expect(Object.isFrozen(got)).toBe(true);
        expect(Object.isFrozen(got!.chargers[1]!.ac)).toBe(true);
        expect((await store.listSites()).map((s) => s.id)).toEqual(['a', 'b', 'c']);
      });

      it('keeps ids with separators and odd characters apart', async () => {
        await store.putSite(siteRecord('a:b'));
        await store.putSite(siteRecord('a'));
        await store.putSession(sessionRecord('a:b', 'sessions'));
        expect(await store.listSessions('a')).toEqual([]);
        expect((await store.listSessions('a:b')).map((s) => s.id)).toEqual(['sessions']);
        expect((await store.getSite('a:b'))?.id).toBe('a:b');
      });

      it('deleteSite removes everything of the site, and a site re-created later starts empty', async () => {
        await store.putSite(siteRecord('a'));
        await store.putSession(sessionRecord('a', 's1'));
        await store.putDispatch(dispatchRecord('a', 'd1'));
        await store.putSignals('a', signalsRecord());
        await store.putPlan(planRecord('a', 'p1'), 5);
        expect(await store.deleteSite('a')).toBe(true);
        expect(await store.deleteSite('a')).toBe(false);
        await store.putSite(siteRecord('a'));
        expect(await store.listSessions('a')).toEqual([]);
        expect(await store.listDispatches('a')).toEqual([]);
        expect(await store.getSignals('a')).toEqual({ series: {}, capacityLimits: [], revision: 0 });
        expect(await store.listPlans('a', 5)).toEqual([]);
        expect(await store.getPlan('a', 'p1')).toBeUndefined();
        expect(await store.getPlanState('a')).toEqual({});
      });
    });

    describe('sessions, signals and dispatches', () => {
      beforeEach(async () => {
        await store.putSite(siteRecord('a'));
      });

      it('sessions: put, replace in place, list in first-put order, delete', async () => {
        await store.putSession(sessionRecord('a', 's1'));
        await store.putSession(sessionRecord('a', 's2'));
        await store.putSession(sessionRecord('a', 's1', { socPercent: 55 }));
        expect((await store.listSessions('a')).map((s) => [s.id, s.socPercent])).toEqual([
          ['s1', 55],
          ['s2', 30],
        ]);
        expect(await store.getSession('a', 's1')).toEqual(sessionRecord('a', 's1', { socPercent: 55, revision: 2 }));
        expect(await store.deleteSession('a', 's1')).toBe(true);
        expect(await store.deleteSession('a', 's1')).toBe(false);
        expect((await store.listSessions('a')).map((s) => s.id)).toEqual(['s2']);
      });

      it('refuses children of a site that does not exist', async () => {
        await expect(store.putSession(sessionRecord('ghost', 's1'))).rejects.toThrow(/does not exist/);
        await expect(store.putDispatch(dispatchRecord('ghost', 'd1'))).rejects.toThrow(/does not exist/);
        await expect(store.putSignals('ghost', signalsRecord())).rejects.toThrow(/does not exist/);
        await expect(store.putPlan(planRecord('ghost', 'p1'), 5)).rejects.toThrow(/does not exist/);
        await store.putPlanAttempt('ghost', attemptRecord('j', false));
        expect(await store.getPlanState('ghost')).toEqual({});
      });

      it('signals: empty until put, then exactly what was put', async () => {
        expect(await store.getSignals('a')).toEqual({ series: {}, capacityLimits: [], revision: 0 });
        await store.putSignals('a', signalsRecord());
        expect(await store.getSignals('a')).toEqual(signalsRecord());
      });

      it('dispatches: oldest first, an update (acknowledgement) keeps the place', async () => {
        await store.putDispatch(dispatchRecord('a', 'd1'));
        await store.putDispatch(dispatchRecord('a', 'd2'));
        await store.putDispatch(dispatchRecord('a', 'd1', { status: 'cancelled', cancelledAtUtcMs: t0 + 1 }));
        expect((await store.listDispatches('a')).map((d) => [d.id, d.status])).toEqual([
          ['d1', 'cancelled'],
          ['d2', 'active'],
        ]);
        expect(await store.getDispatch('a', 'd2')).toEqual(dispatchRecord('a', 'd2'));
      });
    });

    describe('revisions and conditional puts (optimistic concurrency)', () => {
      beforeEach(async () => {
        await store.putSite(siteRecord('a'));
      });

      it('the store assigns revisions: 1 on the first put, +1 on every put, whatever the record says; a put returns what a get reads', async () => {
        const site = await store.putSite(siteRecord('a', { name: 'n', revision: 40 }));
        expect(site).toEqual(siteRecord('a', { name: 'n', revision: 2 }));
        expect(await store.getSite('a')).toEqual(site);
        const first = await store.putSession(sessionRecord('a', 's1', { revision: 7 }));
        expect(first.revision).toBe(1);
        const second = await store.putSession({ ...first, socPercent: 61 });
        expect(second).toEqual(sessionRecord('a', 's1', { socPercent: 61, revision: 2 }));
        expect(await store.getSession('a', 's1')).toEqual(second);
        expect((await store.listSessions('a'))[0]).toEqual(second);
        expect((await store.putDispatch(dispatchRecord('a', 'd1', { revision: 0 }))).revision).toBe(1);
        expect((await store.putSignals('a', { ...signalsRecord(), revision: 9 })).revision).toBe(1);
        expect((await store.putSignals('a', signalsRecord())).revision).toBe(2);
        expect(await store.getSignals('a')).toEqual({ ...signalsRecord(), revision: 2 });
      });

      it('a put expecting another revision rejects with V2G_ERR_CONFLICT and writes nothing', async () => {
        const s1 = await store.putSession(sessionRecord('a', 's1'));
        const refused = store.putSession({ ...s1, socPercent: 99 }, { expectedRevision: 5 });
        await expect(refused).rejects.toBeInstanceOf(StoreConflictError);
        await expect(refused).rejects.toMatchObject({ code: 'V2G_ERR_CONFLICT', statusCode: 409, kind: 'session', id: 's1', expectedRevision: 5, actualRevision: 1 });
        expect(await store.getSession('a', 's1')).toEqual(s1);
        await expect(store.putSession(sessionRecord('a', 's1'), { expectedRevision: 0 })).rejects.toMatchObject({ actualRevision: 1 });
        await expect(store.putSite(siteRecord('a'), { expectedRevision: 0 })).rejects.toMatchObject({ kind: 'site', actualRevision: 1 });
        await expect(store.putDispatch(dispatchRecord('a', 'dx'), { expectedRevision: 1 })).rejects.toMatchObject({ kind: 'dispatch', actualRevision: 0 });
        await expect(store.putSignals('a', signalsRecord(), { expectedRevision: 1 })).rejects.toMatchObject({ kind: 'signals', actualRevision: 0 });
        expect(await store.getDispatch('a', 'dx')).toBeUndefined();
        expect((await store.getSignals('a')).revision).toBe(0);
        expect((await store.getSite('a'))!.revision).toBe(1);
        // The right revision (0 = create) goes through.
        expect((await store.putSession({ ...s1, socPercent: 99 }, { expectedRevision: 1 })).revision).toBe(2);
        expect((await store.putDispatch(dispatchRecord('a', 'dx'), { expectedRevision: 0 })).revision).toBe(1);
        expect((await store.putSite(siteRecord('a', { name: 'x' }), { expectedRevision: 1 })).name).toBe('x');
      });

      it('of two writers that read the same revision, exactly one wins', async () => {
        const other = h.peer ?? store;
        const s1 = await store.putSession(sessionRecord('a', 's1'));
        const results = await Promise.allSettled([
          store.putSession({ ...s1, socPercent: 40 }, { expectedRevision: s1.revision }),
          other.putSession({ ...s1, socPercent: 45 }, { expectedRevision: s1.revision }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(StoreConflictError);
        const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ socPercent?: number }>).value;
        expect((await other.getSession('a', 's1'))!.socPercent).toBe(winner.socPercent);
      });

      it('concurrent read-modify-writes from two connections never lose a write (sessions, dispatches, signals, site)', async () => {
        const other = h.peer ?? store;
        await store.putSession(sessionRecord('a', 's1', { energyKwh: 0, socPercent: undefined }));
        await store.putDispatch(dispatchRecord('a', 'd1', { powerKw: 0 }));
        const n = 24;
        const bump = (s: Store, i: number) =>
          Promise.all([
            withOptimisticRetry(async () => {
              const cur = (await s.getSession('a', 's1'))!;
              await s.putSession({ ...cur, energyKwh: cur.energyKwh! + 1 }, { expectedRevision: cur.revision });
            }, { attempts: 200 }),
            withOptimisticRetry(async () => {
              const cur = (await s.getDispatch('a', 'd1'))!;
              await s.putDispatch({ ...cur, powerKw: cur.powerKw + 1 }, { expectedRevision: cur.revision });
            }, { attempts: 200 }),
            withOptimisticRetry(async () => {
              const cur = await s.getSignals('a');
              const limit = { origin: `o${i}`, source: `o${i}`, direction: 'import' as const, startUtcMs: t0, endUtcMs: t0 + 1, limitKw: i };
              await s.putSignals('a', { ...cur, capacityLimits: [...cur.capacityLimits, limit] }, { expectedRevision: cur.revision });
            }, { attempts: 200 }),
            withOptimisticRetry(async () => {
              const cur = (await s.getSite('a'))!;
              await s.putSite({ ...cur, connectionImportKw: cur.connectionImportKw + 1 }, { expectedRevision: cur.revision });
            }, { attempts: 200 }),
          ]);
        await Promise.all(Array.from({ length: n }, (_, i) => bump(i % 2 === 0 ? store : other, i)));
        const session = (await store.getSession('a', 's1'))!;
        expect(session.energyKwh).toBe(n);
        expect(session.revision).toBe(n + 1);
        expect((await store.getDispatch('a', 'd1'))!.powerKw).toBe(n);
        const signals = await store.getSignals('a');
        expect(signals.capacityLimits.map((l) => l.limitKw).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(signals.revision).toBe(n);
        expect((await store.getSite('a'))!.connectionImportKw).toBe(siteRecord('a').connectionImportKw + n);
      });
    });

    describe('plans', () => {
      beforeEach(async () => {
        await store.putSite(siteRecord('a'));
      });

      it('putPlan makes the plan current, records the attempt and reads back exactly (Infinity included)', async () => {
        const p = planRecord('a', 'p1', t0 + 5, 'job-7');
        await store.putPlan(p, 5);
        expect(await store.getPlan('a', 'p1')).toEqual(p);
        expect((await store.getPlan('a', 'p1'))!.limits.importLimits[1]!.limitKw).toBe(Infinity);
        expect(await store.getPlanState('a')).toEqual({
          currentPlanId: 'p1',
          lastAttempt: { atUtcMs: t0 + 5, jobId: 'job-7', ok: true, planId: 'p1' },
          lastSuccessUtcMs: t0 + 5,
        });
      });

      it('lists newest first up to the limit and keeps at most historyLimit plans (at least one)', async () => {
        for (let i = 1; i <= 4; i++) await store.putPlan(planRecord('a', `p${i}`, t0 + i), 3);
        expect((await store.listPlans('a', 10)).map((p) => p.id)).toEqual(['p4', 'p3', 'p2']);
        expect((await store.listPlans('a', 2)).map((p) => p.id)).toEqual(['p4', 'p3']);
        expect(await store.listPlans('a', 0)).toEqual([]);
        expect(await store.getPlan('a', 'p1')).toBeUndefined();
        await store.putPlan(planRecord('a', 'p5', t0 + 5), 0);
        expect((await store.listPlans('a', 10)).map((p) => p.id)).toEqual(['p5']);
      });

      it('putting a plan id again replaces that plan and makes it the newest: one entry per id', async () => {
        await store.putPlan(planRecord('a', 'p1', t0 + 1, 'job-1'), 5);
        await store.putPlan(planRecord('a', 'p2', t0 + 2, 'job-2'), 5);
        await store.putPlan(planRecord('a', 'p1', t0 + 3, 'job-3'), 5);
        expect((await store.listPlans('a', 10)).map((p) => [p.id, p.jobId])).toEqual([['p1', 'job-3'], ['p2', 'job-2']]);
        expect((await store.getPlan('a', 'p1'))!.jobId).toBe('job-3');
        await store.putPlan(planRecord('a', 'p2', t0 + 4, 'job-4'), 1);
        expect((await store.listPlans('a', 10)).map((p) => [p.id, p.jobId])).toEqual([['p2', 'job-4']]);
        expect(await store.getPlan('a', 'p1')).toBeUndefined();
      });

      it('a failed attempt leaves the current plan in force', async () => {
        await store.putPlan(planRecord('a', 'p1', t0 + 1, 'job-1'), 5);
        await store.putPlanAttempt('a', attemptRecord('job-2', false, t0 + 2));
        expect(await store.getPlanState('a')).toEqual({ currentPlanId: 'p1', lastAttempt: attemptRecord('job-2', false, t0 + 2), lastSuccessUtcMs: t0 + 1 });
      });

      it('ping resolves', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('concurrent writers never lose a write', () => {
      beforeEach(async () => {
        await store.putSite(siteRecord('a'));
      });

      it('many parallel putSession on one site: every session is there once', async () => {
        const ids = Array.from({ length: 150 }, (_, i) => `s${i}`);
        await Promise.all(ids.map((id) => store.putSession(sessionRecord('a', id))));
        const listed = (await store.listSessions('a')).map((s) => s.id);
        expect([...listed].sort()).toEqual([...ids].sort());
      });

      it('parallel putPlan and putPlanAttempt: all plans kept, state consistent with the newest plan', async () => {
        const n = 40;
        await Promise.all(
          Array.from({ length: n }, (_, i) => [
            store.putPlan(planRecord('a', `p${i}`, t0 + i, `job-${i}`), 1000),
            store.putPlanAttempt('a', attemptRecord(`failed-${i}`, false, t0 + i)),
          ]).flat(),
        );
        const plans = await store.listPlans('a', 1000);
        expect(new Set(plans.map((p) => p.id)).size).toBe(n);
        const state = await store.getPlanState('a');
        expect(state.currentPlanId).toBe(plans[0]!.id);
        expect(state.lastSuccessUtcMs).toBe(plans[0]!.createdAtUtcMs);
        expect(state.lastAttempt).toBeDefined();
      });

      it('parallel putPlan with a small history: exactly historyLimit plans remain, all readable', async () => {
        await Promise.all(Array.from({ length: 30 }, (_, i) => store.putPlan(planRecord('a', `p${i}`, t0 + i), 4)));
        const plans = await store.listPlans('a', 100);
        expect(plans).toHaveLength(4);
        for (const p of plans) expect(await store.getPlan('a', p.id)).toEqual(p);
        expect((await store.getPlanState('a')).currentPlanId).toBe(plans[0]!.id);
      });

      it('site updates racing with sessions, dispatches and signals lose none of them', async () => {
        await Promise.all([
          ...Array.from({ length: 30 }, (_, i) => store.putSite(siteRecord('a', { revision: i + 2 }))),
          ...Array.from({ length: 30 }, (_, i) => store.putSession(sessionRecord('a', `s${i}`))),
          ...Array.from({ length: 30 }, (_, i) => store.putDispatch(dispatchRecord('a', `d${i}`))),
          store.putSignals('a', signalsRecord()),
        ]);
        expect(await store.listSessions('a')).toHaveLength(30);
        expect(await store.listDispatches('a')).toHaveLength(30);
        expect(await store.getSignals('a')).toEqual(signalsRecord());
        expect((await store.getSite('a'))!.revision).toBeGreaterThanOrEqual(2);
      });

      it('deleteSite racing with writers leaves no orphan: a deleted site has no children', async () => {
        const writes = Array.from({ length: 40 }, (_, i) => outcome(store.putSession(sessionRecord('a', `s${i}`))));
        const deletion = store.deleteSite('a');
        const more = Array.from({ length: 40 }, (_, i) => outcome(store.putDispatch(dispatchRecord('a', `d${i}`))));
        await Promise.all([...writes, deletion, ...more]);
        expect(await store.getSite('a')).toBeUndefined();
        expect(await store.listSessions('a')).toEqual([]);
        expect(await store.listDispatches('a')).toEqual([]);
        await store.putSite(siteRecord('a'));
        expect(await store.listSessions('a')).toEqual([]);
      });
    });

    it('matches the reference MemoryStore on random operation sequences (model-based)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArbitrary(), { minLength: 1, maxLength: 25 }), async (ops) => {
          const run = await setup();
          try {
            const model = new MemoryStore();
            for (const [step, op] of ops.entries()) {
              const [expected, actual] = [await outcome(apply(model, op, step)), await outcome(apply(run.store, op, step))];
              expect(actual, `step ${step}: ${JSON.stringify(op)}`).toEqual(expected);
            }
            expect(await observe(run.store, siteIds, childIds)).toEqual(await observe(model, siteIds, childIds));
          } finally {
            await run.cleanup();
          }
        }),
        { numRuns: 25 },
      );
    });
  });
}
