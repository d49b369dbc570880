/**
 * Signals older than the history kept (2 days behind now) would be dropped on arrival: such an upload
 * is refused (422 naming /body) and changes nothing, instead of a 200 that stored nothing. An OpenADR 3
 * event that is only partly too old stores the rest and lists the old part.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSite, baselineSolver, createHarness, json, type Harness } from '../service-harness.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/grid/${name}`, import.meta.url), 'utf8');

describe('signals older than the history kept', () => {
  let h: Harness;
  beforeAll(async () => {
    // 2025-10-28 18:00Z: history is kept from 2025-10-26 18:00Z
    h = await createHarness({ solve: baselineSolver, startUtcMs: Date.parse('2025-10-28T18:00:00Z') });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.settle();
  });
  afterAll(() => h.close());

  const signals = async () => json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/signals' }));

  it('a JSON series that ended before the history kept is 422 and stores nothing', async () => {
    const before = await signals();
    const res = await h.request('dispatch', {
      method: 'POST',
      url: '/v1/sites/depot-1/signals/pv',
      payload: { unit: 'kW', intervals: [{ start: '2025-10-20T08:00:00Z', end: '2025-10-20T09:00:00Z', value: 3 }] },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(json(res)).toMatchObject({ code: 'V2G_ERR_REQUEST_INVALID', errors: [{ pointer: '/body', detail: expect.stringMatching(/older than the 48 h of history kept/) }] });
    expect(await signals()).toEqual(before);
  });

  it('an ENTSO-E day two days gone is 422 too; a day partly inside the history is stored', async () => {
    const old = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: fixture('entsoe-a44-be-2025-03-30-pt15m.xml'), headers: { 'content-type': 'application/xml' } });
    expect(old.statusCode, old.body).toBe(422);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/signals/import-price' })).statusCode).toBe(404);
    // 2025-10-24 22:00Z .. 2025-10-26 23:00Z: its last hours are inside the history kept
    const recent = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: fixture('entsoe-a44-de-2025-10-25-26-pt60m.xml'), headers: { 'content-type': 'application/xml' } });
    expect(recent.statusCode, recent.body).toBe(200);
  });

  it('OpenADR 3: the limits still inside the history are stored, the older ones listed; an event all too old is 422', async () => {
    const event = JSON.parse(fixture('openadr3-capacity-event.json'));
    const res = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/openadr3-events', payload: event });
    expect(res.statusCode, res.body).toBe(200);
    // interval 1 (18:00Z-18:30Z) is kept; interval 0 ends at 18:00Z and interval 2 at 02:00Z on the 26th
    expect(json(res).capacityLimits).toBe(1);
    expect(json(res).unsupported).toContainEqual({ pointer: '/body/intervals', detail: expect.stringMatching(/older than the 48 h of history kept/) });
    expect((await signals()).capacityLimits).toHaveLength(1);

    await h.clock.advanceBy(86_400_000);
    const before = await signals();
    const stale = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/openadr3-events', payload: event });
    expect(stale.statusCode, stale.body).toBe(422);
    expect(json(stale).errors[0].pointer).toBe('/body/intervals');
    expect(await signals()).toEqual(before);
  });
});
