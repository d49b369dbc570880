/** Signals in every format grid/ parses: JSON, CSV, ENTSO-E A44 XML, OpenADR 3 events. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSite, baselineSolver, createHarness, json, type Harness } from '../service-harness.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/grid/${name}`, import.meta.url), 'utf8');

describe('signals routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
  });
  afterAll(() => h.close());
  const post = (kind: string, payload: string | object, contentType = 'application/json', query = '') =>
    h.request('dispatch', { method: 'POST', url: `/v1/sites/depot-1/signals/${kind}${query}`, payload, headers: { 'content-type': contentType } });

  it('JSON: a price in EUR/MWh is stored in EUR/kWh and a re-plan is queued', async () => {
    const res = await post('import-price', {
      unit: 'EUR/MWh',
      intervals: [
        { start: '2025-06-02T08:00:00Z', end: '2025-06-02T09:00:00Z', value: 120 },
        { start: '2025-06-02T11:00:00+02:00', end: '2025-06-02T12:00:00+02:00', value: 80 },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({
      stored: [{ kind: 'import-price', unit: 'EUR/kWh', intervals: 2, from: '2025-06-02T10:00:00+02:00', to: '2025-06-02T12:00:00+02:00' }],
      replan: { id: expect.stringMatching(/^replan-depot-1-/), href: expect.stringMatching(/^\/v1\/jobs\//) },
    });
    const series = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/signals/import-price' }));
    expect(series.intervals.map((i: { value: number }) => i.value)).toEqual([0.12, 0.08]);
  });

  it('CSV: columns named in the query, unit from the column name; a bad row is 422 with its line', async () => {
    const csv = 'interval_start,site_load_kw\n2025-06-02T08:00:00Z,40\n2025-06-02T09:00:00Z,42.5\n';
    const res = await post('base-load', csv, 'text/csv', '?valueColumn=site_load_kw&resolution=PT1H');
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).stored[0]).toMatchObject({ kind: 'base-load', unit: 'kW', intervals: 2 });
    const bad = await post('pv', 'interval_start,pv_kw\n2025-06-02T08:00:00Z,abc\n2025-06-02T09:00:00,1\n', 'text/csv', '?valueColumn=pv_kw&resolution=PT1H');
    expect(bad.statusCode).toBe(422);
    expect(json(bad)).toMatchObject({ code: 'V2G_ERR_CSV_FORMAT', retryable: false });
    expect(json(bad).errors.map((e: { line: number }) => e.line)).toEqual([2, 3]);
    const noColumn = await post('pv', 'interval_start,pv_kw\n', 'text/csv');
    expect(json(noColumn).errors[0].pointer).toBe('/query/valueColumn');
  });

  it('ENTSO-E A44 XML: the 25-hour day is read; only prices take XML', async () => {
    const res = await post('import-price', fixture('entsoe-a44-de-2025-10-25-26-pt60m.xml'), 'application/xml');
    expect(res.statusCode, res.body).toBe(200);
    const pvXml = await post('pv', fixture('entsoe-a44-de-2025-10-25-26-pt60m.xml'), 'application/xml');
    expect(pvXml.statusCode).toBe(422);
    expect(json(pvXml).errors[0].pointer).toBe('/params/kind');
    const noData = await post('import-price', fixture('entsoe-acknowledgement-no-data.xml'), 'text/xml');
    expect(json(noData).code).toBe('V2G_ERR_ENTSOE_NO_DATA');
  });

  it('OpenADR 3: capacity limits are stored by event and replaced when the event is posted again', async () => {
    const event = JSON.parse(fixture('openadr3-capacity-event.json'));
    const res = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/openadr3-events', payload: event });
    expect(res.statusCode, res.body).toBe(200);
    const n = json(res).capacityLimits;
    expect(n).toBeGreaterThan(0);
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/openadr3-events', payload: event });
    const overview = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/signals' }));
    expect(overview.capacityLimits).toHaveLength(n);
    expect(overview.capacityLimits[0]).toMatchObject({ origin: 'openadr3:gac-17', direction: 'import' });
    const prices = JSON.parse(fixture('openadr3-price-event-2025-10-26-berlin.json'));
    const p = json(await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/openadr3-events', payload: prices }));
    expect(p.stored.map((s: { kind: string }) => s.kind).sort()).toEqual(expect.arrayContaining(['export-price']));
    const broken = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/openadr3-events', payload: { programID: 'p', intervals: [{ id: 0, payloads: [] }] } });
    expect(broken.statusCode).toBe(422);
    expect(json(broken).errors[0].pointer).toMatch(/^\/body\/intervals\/0/);
  });

  it('refuses a price in another currency, negative PV, an unknown unit, and an unsupported media type', async () => {
    const interval = { start: '2025-06-02T08:00:00Z', end: '2025-06-02T09:00:00Z', value: 1 };
    expect(json(await post('import-price', { unit: 'USD/MWh', intervals: [interval] })).code).toBe('V2G_ERR_UNIT_MISMATCH');
    const negative = await post('pv', { unit: 'kW', intervals: [{ ...interval, value: -2 }] });
    expect(json(negative)).toMatchObject({ code: 'V2G_ERR_SIGNAL_VALUE', errors: [{ pointer: '/body/intervals/0/value' }] });
    expect(json(await post('pv', { unit: 'horsepower', intervals: [interval] })).code).toBe('V2G_ERR_UNKNOWN_UNIT');
    const dear = await post('import-price', { unit: 'EUR/MWh', intervals: [{ ...interval, value: -250_000 }] });
    expect(json(dear)).toMatchObject({ code: 'V2G_ERR_SIGNAL_VALUE', errors: [{ pointer: '/body/intervals/0/value', detail: expect.stringMatching(/optimizer's bound/) }] });
    const overlap = await post('pv', { unit: 'kW', intervals: [interval, interval] });
    expect(json(overlap)).toMatchObject({ code: 'V2G_ERR_SIGNAL_OVERLAP', errors: [{ pointer: '/body/intervals/1' }] });
    const media = await post('pv', 'x', 'text/plain');
    expect(media.statusCode).toBe(415);
    expect(json(media).code).toBe('V2G_ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/signals/pv' })).code).toBe('V2G_ERR_NOT_FOUND');
  });

  it('needs the dispatch scope to post', async () => {
    const res = await h.request('read', { method: 'POST', url: '/v1/sites/depot-1/signals/pv', payload: { unit: 'kW', intervals: [] } });
    expect(res.statusCode).toBe(403);
    expect(json(res).detail).toMatch(/scope "dispatch"/);
  });
});
