/**
 * The portfolio routes in the OpenAPI document (embedded): every new operation is documented with its scope
 * and responses, and the documented request example is valid against its schema and accepted by the API
 * once moved into the future (dates of an example go stale; its shape must not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { PortfolioDispatchCreateSchema } from '../../../adapters/http/schemas/portfolio-dispatch.ts';
import { baselineSolver, createHarness, json, type Harness } from '../service-harness.ts';
import { feederOfThree } from './portfolio-kit.ts';

describe('portfolio routes in the OpenAPI document', () => {
  let h: Harness & { nowUtcMs(): number };
  beforeAll(async () => {
    const base = await createHarness({ solve: baselineSolver });
    h = Object.assign(base, { nowUtcMs: () => base.clock.nowUtcMs() });
    await feederOfThree(h, 40);
  }, 120_000);
  afterAll(() => h?.close());

  it('documents every portfolio operation, and its dispatch example is valid and accepted', async () => {
    const doc = json(await h.request('anonymous', { method: 'GET', url: '/docs/json' }));
    const ops: [string, string][] = [
      ['/v1/portfolios/{portfolioId}/plan', 'get'],
      ['/v1/portfolios/{portfolioId}/plan', 'post'],
      ['/v1/portfolios/{portfolioId}/flexibility', 'get'],
      ['/v1/portfolios/{portfolioId}/dispatches', 'get'],
      ['/v1/portfolios/{portfolioId}/dispatches', 'post'],
      ['/v1/portfolios/{portfolioId}/dispatches/{dispatchId}', 'get'],
      ['/v1/portfolios/{portfolioId}/dispatches/{dispatchId}', 'delete'],
      ['/v1/portfolios/{portfolioId}/dispatches/{dispatchId}/measured-delivery', 'get'],
    ];
    for (const [path, method] of ops) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.security).toEqual([{ bearerAuth: [] }]);
      expect(op.summary).toMatch(/./);
      expect(Object.keys(op.responses)).toContain('404');
    }
    const body = doc.paths['/v1/portfolios/{portfolioId}/dispatches'].post.requestBody.content['application/json'];
    const example = body.examples?.example1?.value ?? body.schema.example ?? body.example;
    expect(example).toBeDefined();
    expect(Value.Check(PortfolioDispatchCreateSchema, example)).toBe(true);
    // The same example a day from now, 3 MW on a 40 kW feeder: accepted (201) and answered.
    const shift = Math.ceil((h.nowUtcMs() + 86_400_000 - Date.parse(example.start)) / 86_400_000) * 86_400_000;
    const moved = { ...example, start: new Date(Date.parse(example.start) + shift).toISOString(), end: new Date(Date.parse(example.end) + shift).toISOString() };
    const res = await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: moved });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res)).toMatchObject({ kind: 'import-limit', powerKw: 3000, status: 'planned', fulfilment: expect.stringMatching(/^(partial|none)$/) });
  }, 180_000);
});
