/**
 * Many concurrent writes to one site in Redis mode (two API services and a worker on one Redis): every write
 * is answered once and truthfully. A 2xx dispatch is stored exactly once; a refused one (4xx/5xx) is
 * not stored; a client that retries a refused write therefore creates no duplicate.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, type ServiceConfig } from '../../../adapters/config.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { baselineSolver } from '../service-harness.ts';
import { describeWithRedis, randomPrefix } from '../store/redis-test-env.ts';
import { adminToken, apiTokens, pricesFromNow, simSite } from './service-process-kit.ts';

describeWithRedis('concurrent writes to one site (Redis mode)', () => {
  let config: ServiceConfig;
  let apiService: Service;
  let secondApi: Service;
  let worker: Service;

  const request = (method: 'GET' | 'POST', url: string, payload?: unknown, via?: Service) =>
    (via ?? apiService).app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    config = loadConfig({
      REDIS_URL: process.env.V2G_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', V2G_REDIS_PREFIX: randomPrefix(), API_TOKENS: apiTokens,
      REPLAN_DEBOUNCE_MS: '20', REPLAN_MAX_WAIT_MS: '200', DISPATCH_RATE_LIMIT_MAX: '100000', DISPATCH_ACK_TIMEOUT_MS: '2000',
    });
    apiService = await createService(config, { roles: ['api'], defaultMetrics: false, processName: 'v2g-test-api' });
    secondApi = await createService(config, { roles: ['api'], defaultMetrics: false, processName: 'v2g-test-api-2' });
    worker = await createService(config, { roles: ['worker'], solve: baselineSolver, defaultMetrics: false, processName: 'v2g-test-worker' });
    await apiService.start();
    await secondApi.start();
    await worker.start();
  });

  afterAll(async () => {
    await apiService?.close();
    await secondApi?.close();
    await worker?.close();
  });

  it('answers every concurrent dispatch truthfully: 2xx exactly when stored', async () => {
    expect((await request('POST', '/v1/sites', simSite('depot-c', 0, 4))).statusCode).toBe(201);
    expect((await request('POST', '/v1/sites/depot-c/signals/import-price', pricesFromNow(Date.now()))).statusCode).toBe(200);
    const now = Date.now();
    const n = Number(process.env.V2G_TEST_CONCURRENT_WRITES ?? 120);
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        request('POST', '/v1/sites/depot-c/dispatches', {
          kind: 'import-limit', powerKw: 60 + (i % 10), reference: `ref-${i}`,
          start: new Date(now + 3_600_000).toISOString(), end: new Date(now + 7_200_000).toISOString(),
        }, i % 2 === 0 ? apiService : secondApi),
      ),
    );
    const stored = JSON.parse((await request('GET', '/v1/sites/depot-c/dispatches')).body).dispatches as { reference: string }[];
    const storedRefs = new Set(stored.map((d) => d.reference));
    expect(stored.length).toBe(storedRefs.size);
    const statuses = new Map<number, number>();
    answers.forEach((a, i) => {
      statuses.set(a.statusCode, (statuses.get(a.statusCode) ?? 0) + 1);
      const ok = a.statusCode === 201 || a.statusCode === 202;
      expect({ i, status: a.statusCode, stored: storedRefs.has(`ref-${i}`), body: ok ? '' : a.body }).toEqual({ i, status: a.statusCode, stored: ok, body: ok ? '' : a.body });
    });
    expect([...statuses.keys()].every((s) => s === 201 || s === 202)).toBe(true);
  }, 300_000);

  it('applies every one of 40 concurrent session PATCHes without If-Match (re-applied on conflicts)', async () => {
    const now = Date.now();
    expect((await request('POST', '/v1/sites', simSite('depot-p', 0, 2))).statusCode).toBe(201);
    const created = await request('POST', '/v1/sites/depot-p/sessions', {
      id: 'sess-1', chargerId: 'cp-0001', departure: new Date(now + 10 * 3_600_000).toISOString(), capacityKwh: 60, socPercent: 20, targetSocPercent: 80,
    });
    expect(created.statusCode).toBe(201);
    const patch = (i: number) =>
      (i % 2 === 0 ? apiService : secondApi).app.inject({
        method: 'PATCH', url: '/v1/sites/depot-p/sessions/sess-1',
        headers: { authorization: `Bearer ${adminToken}` }, payload: { socPercent: 21 + (i % 50) },
      });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => patch(i)));
    expect(answers.filter((a) => a.statusCode !== 200).map((a) => a.body)).toEqual([]);
    // every PATCH made exactly one revision: created at 1, then 40 changes
    expect((await request('GET', '/v1/sites/depot-p/sessions/sess-1')).headers.etag).toBe('"41"');
  }, 300_000);
});
