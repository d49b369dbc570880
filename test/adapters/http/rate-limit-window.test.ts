/** The 429 of the dispatch rate limit states the configured window and, apart, when to retry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSite, baselineSolver, createHarness, json, t0, type Harness } from '../service-harness.ts';

describe('dispatch rate limit answer', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver, config: { dispatchRateLimitMax: 2, dispatchRateLimitWindowMs: 120_000 } });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
  });
  afterAll(() => h.close());

  it('names the window (2 min), not the time left, as the period of the limit', async () => {
    const body = { kind: 'import-limit', powerKw: 20, start: new Date(t0).toISOString(), end: new Date(t0 + 3_600_000).toISOString() };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches?wait=false', payload: body })).statusCode);
    const limited = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches?wait=false', payload: body });
    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    expect(limited.statusCode).toBe(429);
    expect(json(limited).detail).toMatch(/^rate limit of 2 dispatch requests per 2 min reached; retry in \d+ (second|minute)/);
  });
});
