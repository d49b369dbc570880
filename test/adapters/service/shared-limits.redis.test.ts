/**
 * In distributed mode the limits hold across API processes: the dispatch rate limit is counted once on
 * Redis (two API processes do not allow twice the limit), and wrong tokens sent to either process count
 * towards one auth-failure block.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultAuthThrottlePolicy } from '../../../adapters/auth-throttle/auth-throttle.ts';
import { loadConfig } from '../../../adapters/config.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { adminToken, apiTokens, simSite } from './service-process-kit.ts';

describeWithRedis('limits shared by two API processes (Redis)', () => {
  const prefix = randomPrefix();
  let one: Service;
  let two: Service;

  beforeAll(async () => {
    const config = loadConfig({ REDIS_URL: redisTestUrl, V2G_REDIS_PREFIX: prefix, API_TOKENS: apiTokens, DISPATCH_RATE_LIMIT_MAX: '4', DISPATCH_RATE_LIMIT_WINDOW_MS: '600000' });
    one = await createService(config, { roles: ['api'], defaultMetrics: false, processName: 'v2g-test-api-1' });
    two = await createService(config, { roles: ['api'], defaultMetrics: false, processName: 'v2g-test-api-2' });
    await one.start();
    await two.start();
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    const client = await testClient();
    await deletePrefix(client, prefix);
    await closeRedisClient(client);
  });

  it('the dispatch rate limit is one count across both processes', async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    expect((await one.app.inject({ method: 'POST', url: '/v1/sites', headers: auth, payload: simSite('depot-r', 0, 2) })).statusCode).toBe(201);
    const now = Date.now();
    const dispatch = (s: Service) =>
      s.app.inject({ method: 'POST', url: '/v1/sites/depot-r/dispatches?wait=false', headers: auth, payload: { kind: 'import-limit', powerKw: 50, start: new Date(now + 3_600_000).toISOString(), end: new Date(now + 7_200_000).toISOString() } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await dispatch(i % 2 === 0 ? one : two)).statusCode);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(statuses.slice(0, 4).every((s) => s === 202 || s === 201)).toBe(true);
  });

  it('wrong tokens sent to either process count towards one block of the address', async () => {
    const get = (s: Service, token: string) => s.app.inject({ method: 'GET', url: '/v1/sites', headers: { authorization: `Bearer ${token}` }, remoteAddress: '10.9.9.9' });
    for (let i = 0; i <= defaultAuthThrottlePolicy.addressFreeFailures; i++) expect((await get(i % 2 === 0 ? one : two, `wrong-token-${i}-0123456789`)).statusCode).toBe(401);
    const blocked = [await get(one, adminToken), await get(two, adminToken)];
    expect(blocked.map((r) => r.statusCode)).toEqual([429, 429]);
    expect(JSON.parse(blocked[1]!.body)).toMatchObject({ code: 'V2G_ERR_AUTH_THROTTLED' });
  });
});
