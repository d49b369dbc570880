/**
 * A coordination that fails (every site solve errors, no retry left): the portfolio dispatch fails loudly,
 * with the code and the reason, never left pending; the plan endpoint still has no plan (embedded).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, failingSolver, type Harness } from '../service-harness.ts';
import { feederOfThree, iso, ok, q } from './portfolio-kit.ts';

describe('portfolio dispatch whose coordination fails (embedded)', () => {
  let h: Harness & { nowUtcMs(): number };
  beforeAll(async () => {
    const base = await createHarness({ solve: failingSolver, config: { replanAttempts: 1 } });
    h = Object.assign(base, { nowUtcMs: () => base.clock.nowUtcMs() });
    await feederOfThree(h, 40);
  }, 120_000);
  afterAll(() => h?.close());

  it('answers failed with V2G_ERR_SOLVE_FAILED and the solver\'s message', async () => {
    const start = Math.ceil(h.nowUtcMs() / q) * q + 4 * q;
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: { kind: 'import-limit', powerKw: 20, start: iso(start), end: iso(start + 4 * q) } }), 201);
    expect(d.status).toBe('failed');
    expect(d.fulfilment).toBe('failed');
    expect(d.failure).toMatchObject({ code: 'V2G_ERR_SOLVE_FAILED', message: expect.stringContaining('solver worker exited with code 1'), retryable: true });
    expect(d.message).toMatch(/nothing of it is planned or delivered \(the cause may pass: post the dispatch again\)$/);
    expect(d.message).toMatch(/^the split failed \(V2G_ERR_SOLVE_FAILED\)/);
    expect(d.siteDispatches).toEqual([]);
    expect((await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' })).statusCode).toBe(404);
  });
});
