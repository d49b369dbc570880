/**
 * Wrong bearer tokens are throttled per source address: after 20 free failures the address gets 429
 * V2G_ERR_AUTH_THROTTLED with Retry-After, before any token is checked (even a right one), until the block
 * ends. HTTP Basic is taken only under the queue dashboard: elsewhere a Basic header with a valid token
 * is 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAuthThrottlePolicy } from '../../../adapters/auth-throttle/auth-throttle.ts';
import { baselineSolver, createHarness, json, tokens, type Harness } from '../service-harness.ts';

describe('auth-failure throttle (HTTP)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
  });
  afterAll(async () => h.close());

  const get = (authorization: string, remoteAddress = '10.0.0.7') =>
    h.service.app.inject({ method: 'GET', url: '/v1/sites', headers: { authorization }, remoteAddress });

  it('blocks an address after its free failures, then lets it in again once the block is over', async () => {
    for (let i = 0; i < defaultAuthThrottlePolicy.addressFreeFailures; i++) expect((await get(`Bearer wrong-token-${i}-0123456789`)).statusCode).toBe(401);
    expect((await get('Bearer wrong-token-x-0123456789')).statusCode).toBe(401);
    const blocked = await get(`Bearer ${tokens.read}`);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('1');
    expect(json(blocked)).toMatchObject({ code: 'V2G_ERR_AUTH_THROTTLED', retryable: true });
    // another address is not affected
    expect((await get(`Bearer ${tokens.read}`, '10.0.0.8')).statusCode).toBe(200);
    await h.clock.advanceBy(1_000);
    expect((await get(`Bearer ${tokens.read}`)).statusCode).toBe(200);
    // the next failure doubles the block
    expect((await get('Bearer wrong-token-y-0123456789')).statusCode).toBe(401);
    expect((await get(`Bearer ${tokens.read}`)).headers['retry-after']).toBe('2');
  });

  it('takes HTTP Basic nowhere but under the queue dashboard', async () => {
    const basic = `Basic ${Buffer.from(`ops:${tokens.admin}`).toString('base64')}`;
    const res = await get(basic, '10.0.0.9');
    expect(res.statusCode).toBe(401);
    expect(json(res)).toMatchObject({ code: 'V2G_ERR_UNAUTHENTICATED' });
    expect((await get(`Bearer ${tokens.admin}`, '10.0.0.9')).statusCode).toBe(200);
  });
});
