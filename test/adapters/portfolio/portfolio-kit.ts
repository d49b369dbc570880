/** Shared setup of the portfolio end-to-end tests: three depots on one feeder, planned with HiGHS. */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { ModeHarness } from '../mode-harness.ts';
import { aSession, aSite, json, priceSeries } from '../service-harness.ts';

export const q = 900_000;
export const iso = (ms: number) => new Date(ms).toISOString();
export const siteIds = ['depot-1', 'depot-2', 'depot-3'];

type H = Pick<ModeHarness, 'request' | 'settle' | 'nowUtcMs'>;

export function ok(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  return json(res);
}

/** Three depots (4 x 11 kW chargers, 2 bidirectional, base load 5 kW), two vehicles each, in one feeder of `importLimitKw`. */
export async function feederOfThree(h: H, importLimitKw: number, extra: Record<string, unknown> = {}) {
  for (const [i, id] of siteIds.entries()) await addDepot(h, id, i);
  await h.settle();
  const portfolio = { id: 'feeder-1', name: 'Feeder 1', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds, sharedLimits: { importLimitKw, exportLimitKw: 60 }, ...extra };
  ok(await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload: portfolio }), 201);
}

/** The sum of the member sites' plans in force per slot start (kW), from the API. */
export async function sumOfPlansInForce(h: H, ids: readonly string[] = siteIds): Promise<Map<string, number>> {
  const sum = new Map<string, number>();
  for (const id of ids) {
    const plan = ok(await h.request('read', { method: 'GET', url: `/v1/sites/${id}/plan` }), 200);
    for (const s of plan.site.slots as { start: string; importKw: number; exportKw: number }[]) {
      const key = iso(Date.parse(s.start));
      sum.set(key, (sum.get(key) ?? 0) + s.importKw - s.exportKw);
    }
  }
  return sum;
}

/** One depot as in `feederOfThree` (number `i` staggers its departures), not in any portfolio. */
export async function addDepot(h: H, id: string, i: number) {
  const now = h.nowUtcMs();
  ok(await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite({ id }) }), 201);
  ok(await h.request('dispatch', { method: 'POST', url: `/v1/sites/${id}/signals/import-price`, payload: priceSeries(now - 3_600_000, 30) }), 200);
  const baseLoad = { unit: 'kW', intervals: Array.from({ length: 30 * 4 }, (_, k) => ({ start: iso(now - 3_600_000 + k * q), end: iso(now - 3_600_000 + (k + 1) * q), value: 5 })) };
  ok(await h.request('dispatch', { method: 'POST', url: `/v1/sites/${id}/signals/base-load`, payload: baseLoad }), 200);
  for (const [k, chargerId] of ['cp-1', 'cp-3'].entries()) {
    const session = aSession({ chargerId, departure: iso(now + (8 + i + k) * 3_600_000), socPercent: 30 + 10 * k });
    ok(await h.request('admin', { method: 'POST', url: `/v1/sites/${id}/sessions`, payload: session }), 201);
  }
}

/**
 * A further import-limit dispatch on feeder-1 (`powerKw` for `slots` slots from `fromSlots` slots ahead): the
 * portfolio plan in force before it, the dispatch, and the portfolio plan it made (checked to be the new one in force).
 */
export async function nextDispatch(h: H, powerKw: number, fromSlots: number, slots: number) {
  const inForce = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' }), 200);
  const windowStart = Math.ceil(h.nowUtcMs() / q) * q + fromSlots * q;
  const body = { kind: 'import-limit', powerKw, start: iso(windowStart), end: iso(windowStart + slots * q) };
  const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: body }), 201);
  const plan = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' }), 200);
  expect(plan.id).toBe(d.portfolioPlanId);
  expect(plan.id).not.toBe(inForce.id);
  return { inForce, d, plan };
}
