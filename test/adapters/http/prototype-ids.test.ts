/**
 * Ids that name properties of every JavaScript object (`constructor`, `toString`, `valueOf`,
 * `__proto__`, ...) are ordinary unknown ids: 404 (or 400 where the id's pattern refuses them) as
 * problem+json, never a 500 from a lookup that found a prototype member, and they create nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, baselineSolver, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';

const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'prototype', 'isPrototypeOf'];

describe('ids named like Object.prototype members', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-1' }) });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 24) });
    await h.settle();
  });
  afterAll(() => h.close());

  it('are unknown ids on every route that takes one', async () => {
    for (const n of names) {
      const requests: [string, string, 'read' | 'admin' | 'dispatch' | 'anonymous'][] = [
        ['GET', `/v1/sites/${n}`, 'read'],
        ['GET', `/v1/sites/${n}/plan`, 'read'],
        ['GET', `/v1/sites/${n}/delivery`, 'read'],
        ['GET', `/v1/sites/depot-1/sessions/${n}`, 'read'],
        ['GET', `/v1/sites/depot-1/dispatches/${n}`, 'read'],
        ['GET', `/v1/sites/depot-1/plans/${n}`, 'read'],
        ['GET', `/v1/sites/depot-1/flexibility?planId=${n}`, 'read'],
        ['GET', `/v1/sites/depot-1/signals/${n}`, 'read'],
        ['GET', `/v1/jobs/${n}`, 'read'],
        ['GET', `/v1/chargers/${n}`, 'read'],
        ['DELETE', `/v1/chargers/${n}/credentials`, 'admin'],
        ['DELETE', `/v1/sites/depot-1/sessions/${n}`, 'admin'],
        ['DELETE', `/v1/sites/depot-1/dispatches/${n}`, 'dispatch'],
        ['POST', `/v1/sites/${n}/optimize`, 'admin'],
        ['GET', `/problems/${n}`, 'anonymous'],
      ];
      for (const [method, url, role] of requests) {
        const res = await h.request(role, { method: method as 'GET', url });
        expect([400, 404], `${method} ${url}: ${res.body}`).toContain(res.statusCode);
        expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      }
    }
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites' })).sites.map((s: { id: string }) => s.id)).toEqual(['depot-1']);
  });

  it('an Idempotency-Key named like one is an ordinary key', async () => {
    for (const key of names) {
      const headers = { 'idempotency-key': key };
      const first = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize', headers });
      expect(first.statusCode, first.body).toBe(200);
      const again = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize', headers });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toBe(first.body);
    }
  });
});
