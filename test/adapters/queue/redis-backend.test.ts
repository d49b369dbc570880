/**
 * createRedisBackend, as the composition root will call it: one producer connection for the store,
 * idempotency keys and queue producer; worker connections only where `process()` runs; one prefix.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../../adapters/clock.ts';
import { createRedisBackend } from '../../../adapters/queue/redis-backend.ts';
import { mergeReplanData, type ReplanJobData, type ReplanJobResult } from '../../../adapters/service/replan-job.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, keysOf, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { sessionRecord, siteRecord } from '../store/store-fixtures.ts';
import { hangGuard } from '../../hang-guard.ts';

describeWithRedis('createRedisBackend', () => {
  let admin: Redis;

  beforeAll(async () => {
    admin = await testClient('producer', 'v2g-test-backend-admin');
  });

  afterAll(async () => {
    await closeRedisClient(admin);
  });

  it('an API backend and a worker backend share state and jobs under one prefix', async () => {
    const prefix = randomPrefix();
    const common = { url: redisTestUrl, prefix, clock: systemClock, timers: systemClock, queueName: 'replan', merge: mergeReplanData, concurrency: 2 };
    const api = createRedisBackend<ReplanJobData, ReplanJobResult>({ ...common, processName: 'v2g-test-api' });
    const worker = createRedisBackend<ReplanJobData, ReplanJobResult>({ ...common, processName: 'v2g-test-worker' });
    try {
      await Promise.all([api.ready(5000), worker.ready(5000)]);
      await api.store.putSite(siteRecord('depot-1'));
      await api.store.putSession(sessionRecord('depot-1', 's1'));
      worker.queue.process(async (job) => {
        const sessions = await worker.store.listSessions(job.data.siteId);
        return { planId: `plan-for-${sessions.length}-sessions` };
      });
      const job = await api.queue.add('replan', { siteId: 'depot-1', reasons: ['session created'] }, { deduplicationId: 'replan-depot-1', delayMs: 50 });
      expect(await api.queue.waitUntilFinished(job.id, hangGuard(5000))).toMatchObject({ state: 'completed', returnValue: { planId: 'plan-for-1-sessions' } });
      expect(await api.idempotency.claim('key', 'fp', 60_000)).toEqual({ state: 'claimed' });
      expect(await worker.idempotency.claim('key', 'fp', 60_000)).toEqual({ state: 'in-flight' });
      expect((await keysOf(admin, prefix)).every((k) => k.startsWith(`${prefix}:`))).toBe(true);
      const names = (await admin.client('LIST')) as string;
      expect(names).toContain('name=v2g-test-api ');
      expect(names).toContain('name=v2g-test-worker-worker ');
    } finally {
      await api.close();
      await worker.close();
      await deletePrefix(admin, prefix);
    }
    expect(api.redis.status).toBe('end');
  });
});
