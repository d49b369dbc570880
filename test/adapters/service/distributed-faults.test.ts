/**
 * The service on Redis when Redis goes away and comes back (a throw-away redis-server, never the shared
 * one): an API process and a worker process (in this test process) share state through it; while Redis
 * is down every write is refused at once with 503 problem+json `V2G_ERR_STORE_UNAVAILABLE` (retryable,
 * Retry-After) and readiness fails; once it is back both reconnect by themselves and work again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, type ServiceConfig } from '../../../adapters/config.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { baselineSolver } from '../service-harness.ts';
import { RedisServerProcess, redisServerAvailable } from '../store/redis-server-process.ts';
import { randomPrefix } from '../store/redis-test-env.ts';
import { adminToken, apiTokens, pricesFromNow, simSite, waitFor } from './service-process-kit.ts';
import { describeNeeding } from '../../ci-env.ts';


describeNeeding('distributed service: Redis down and back', redisServerAvailable ? undefined : 'redis-server is not installed: apt-get install redis-server (or set V2G_TEST_REDIS_SERVER)', () => {
  let redis: RedisServerProcess;
  let config: ServiceConfig;
  let apiService: Service;
  let worker: Service;

  const request = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    apiService.app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    config = loadConfig({
      REDIS_URL: redis.url, V2G_REDIS_PREFIX: randomPrefix(), API_TOKENS: apiTokens,
      REPLAN_DEBOUNCE_MS: '20', REPLAN_MAX_WAIT_MS: '200', REPLAN_BACKOFF_MS: '100', SHUTDOWN_GRACE_MS: '2000',
    });
    apiService = await createService(config, { roles: ['api'], defaultMetrics: false, processName: 'v2g-test-api' });
    worker = await createService(config, { roles: ['worker'], solve: baselineSolver, defaultMetrics: false, processName: 'v2g-test-worker' });
    await apiService.start();
    await worker.start();
  });

  afterAll(async () => {
    await apiService?.close();
    await worker?.close();
    await redis?.stop();
  });

  const planOf = async (siteId: string) => {
    const res = await request('GET', `/v1/sites/${siteId}/plan`);
    return res.statusCode === 200 ? JSON.parse(res.body) : undefined;
  };

  it('writes fail fast with 503 problem+json while Redis is down, and everything works again after it restarts', async () => {
    // 1. up: the API writes, the worker plans
    expect((await request('POST', '/v1/sites', simSite('depot-a', 0, 3))).statusCode).toBe(201);
    expect((await request('POST', '/v1/sites/depot-a/signals/import-price', pricesFromNow(Date.now()))).statusCode).toBe(200);
    await waitFor('the first plan', () => planOf('depot-a'), 20_000);

    // 2. down: a write is refused at once with the coded, retryable problem, readiness fails
    await redis.stop();
    const refused = await request('POST', '/v1/sites', simSite('depot-b', 0, 2));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'V2G_ERR_STORE_UNAVAILABLE', retryable: true, status: 503, type: '/problems/V2G_ERR_STORE_UNAVAILABLE' });
    const read = await request('GET', '/v1/sites/depot-a');
    expect(read.statusCode).toBe(503);
    expect((await apiService.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    expect((await worker.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);

    // 3. back (without persistence: the state is gone, which is why production runs AOF): both reconnect
    await redis.restart();
    await waitFor('API ready again', async () => (await apiService.app.inject({ method: 'GET', url: '/health/ready' })).statusCode === 200, 15_000);
    expect((await request('POST', '/v1/sites', simSite('depot-b', 0, 2))).statusCode).toBe(201);
    expect((await request('POST', '/v1/sites/depot-b/signals/import-price', pricesFromNow(Date.now()))).statusCode).toBe(200);
    const plan = await waitFor('a plan made by the reconnected worker', () => planOf('depot-b'), 30_000);
    expect(plan.status).toMatchObject({ inForce: true });
  });
});
