/**
 * While the service shuts down, every answer closes its connection (`Connection: close`): a keep-alive
 * client whose request was in flight must not keep the HTTP server open past the shutdown grace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineSolver, createHarness, type Harness } from '../service-harness.ts';

describe('answers while shutting down', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
  });
  afterAll(() => h.close());

  it('keep the connection open normally, and close it once shutdown has begun', async () => {
    expect((await h.request('read', { method: 'GET', url: '/v1/sites' })).headers.connection).not.toBe('close');
    h.service.ctx.readiness.closing = true;
    try {
      const res = await h.request('read', { method: 'GET', url: '/v1/sites' });
      expect(res.statusCode).toBe(200);
      expect(res.headers.connection).toBe('close');
      const refused = await h.request('anonymous', { method: 'GET', url: '/health/ready' });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers.connection).toBe('close');
    } finally {
      h.service.ctx.readiness.closing = false;
    }
  });
});
