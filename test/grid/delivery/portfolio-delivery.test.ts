import { describe, expect, it } from 'vitest';
import { portfolioDeliveryCsv, siteDeliveryCsv } from '../../../grid/delivery/delivery-csv.ts';
import { measureDelivery, type DeliveryRequest, type PlannedSlot } from '../../../grid/delivery/measured-delivery.ts';
import { measurePortfolioDelivery } from '../../../grid/delivery/portfolio-delivery.ts';
import type { SignalSeries } from '../../../grid/signal-series.ts';

const q = 900_000;
const slots = (nets: readonly [number, number][]): PlannedSlot[] => nets.map(([b, p], i) => ({ startUtcMs: i * q, endUtcMs: (i + 1) * q, baselineNetKw: b, plannedNetKw: p, plannedSiteLoadKw: 0 }));
const meter = (values: readonly (number | undefined)[]): SignalSeries => ({
  unit: 'kW',
  intervals: values.flatMap((v, i) => (v === undefined ? [] : [{ startUtcMs: i * q, endUtcMs: (i + 1) * q, value: v }])),
});

describe('M&V: request terms, pending slots, and the portfolio sum', () => {
  it('import-limit, export-delivery and import-reduction measure the same meter in their own terms', () => {
    const s = slots([[100, 40]]);
    const m = meter([60]);
    const at = (request: DeliveryRequest) => measureDelivery({ request, slots: s, siteMeter: m, chargerIds: [], nowUtcMs: q }).slots[0]!;
    expect(at({ kind: 'import-limit', powerKw: 50, startUtcMs: 0, endUtcMs: q })).toMatchObject({ deliveredKw: 60, plannedKw: 40, shortfallKw: 10, outcome: 'short', reason: expect.stringContaining('deviated from the plan') });
    expect(at({ kind: 'import-reduction', powerKw: 50, startUtcMs: 0, endUtcMs: q })).toMatchObject({ baselineKw: 100, deliveredKw: 40, plannedKw: 60, shortfallKw: 10 });
    const exp = measureDelivery({ request: { kind: 'export-delivery', powerKw: 20, startUtcMs: 0, endUtcMs: q }, slots: slots([[10, -30]]), siteMeter: meter([-25]), chargerIds: [], nowUtcMs: q }).slots[0]!;
    expect(exp).toMatchObject({ deliveredKw: 25, plannedKw: 30, shortfallKw: 0, outcome: 'met' });
  });

  it('a slot not yet ended is pending, not a gap; an ended one without data is a named gap', () => {
    const r = measureDelivery({ request: { kind: 'import-limit', powerKw: 50, startUtcMs: 0, endUtcMs: 2 * q }, slots: slots([[0, 0], [0, 0]]), chargerIds: ['cp-1'], nowUtcMs: q });
    expect(r.slots.map((s) => s.outcome)).toEqual(['gap', 'pending']);
    expect(r.slots[0]!.reason).toMatch(/^meter gap: no site meter data/);
    expect(r.measurement).toBe('unmeasured');
  });

  it('the portfolio sums net import across sites; a gap at one site is a gap of the portfolio, naming it', () => {
    const request: DeliveryRequest = { kind: 'import-reduction', powerKw: 100, startUtcMs: 0, endUtcMs: 3 * q };
    const a = measureDelivery({ request: { ...request, powerKw: 60 }, slots: slots([[200, 140], [200, 140], [200, 140]]), siteMeter: meter([140, 150, 140]), chargerIds: [], nowUtcMs: 3 * q });
    const b = measureDelivery({ request: { ...request, powerKw: 40 }, slots: slots([[100, 60], [100, 60], [100, 60]]), siteMeter: meter([60, 60, undefined]), chargerIds: [], nowUtcMs: 3 * q });
    const p = measurePortfolioDelivery(request, a.slots, [{ siteId: 'a', report: a }, { siteId: 'b', report: b }], 3 * q);
    expect(p.slots.map((s) => [s.plannedKw, s.deliveredKw, s.shortfallKw, s.outcome])).toEqual([
      [100, 100, 0, 'met'],
      [100, 90, 10, 'short'],
      [100, null, null, 'gap'],
    ]);
    expect(p.slots[1]!.reason).toBe('a short by 10 kW');
    expect(p.slots[2]!.reason).toBe('meter gap at site(s) b');
    expect(p.measurement).toBe('partial');
    expect(p.totals).toMatchObject({ requestedKwh: 75, deliveredKwh: 47.5, shortfallKwh: 2.5 });
    // Every row says which plan its numbers come from and how it was made; a plan without a record says so.
    const plans = { portfolio: { planId: 'pplan-1', howMade: 'aggregate-first, feasible, 0.40 % above its certified bound' }, sites: new Map([['a', { planId: 'plan-a', howMade: 'solver timed_out: time limit, fallback plan: the llf baseline' }], ['b', { planId: 'plan-b' }]]) };
    const csv = portfolioDeliveryCsv(p, 'Europe/Berlin', plans).split('\r\n');
    expect(csv[0]).toBe('slot_start,slot_end,site,requested_kw,baseline_kw,planned_kw,delivered_kw,shortfall_kw,outcome,reason,plan_id,how_made');
    expect(csv[7]).toBe('1970-01-01T01:30:00+01:00,1970-01-01T01:45:00+01:00,,100,300,100,,,gap,meter gap at site(s) b,pplan-1,"aggregate-first, feasible, 0.40 % above its certified bound"');
    expect(csv[8]).toMatch(/,a,,,60,\d*,\d*,\w+,,plan-a,"solver timed_out: time limit, fallback plan: the llf baseline"$/);
    expect(csv[9]).toMatch(/,b,.*,plan-b,not recorded \(a plan stored before session 15\)$/);
    expect(portfolioDeliveryCsv(p, 'UTC').split('\r\n')[1]).toMatch(/,,$/);
    expect(siteDeliveryCsv(b, 'UTC').split('\r\n')[3]).toBe('1970-01-01T00:30:00Z,1970-01-01T00:45:00Z,40,100,40,,,,gap,none,meter gap: the site meter misses 15 min of the slot; no charger samples,,,');
    expect(siteDeliveryCsv(b, 'UTC', { baseline: { planId: 'p0' }, planned: { planId: 'p1', howMade: 'solver optimal' } }).split('\r\n')[3]).toMatch(/no charger samples,p0,p1,solver optimal$/);
  });
});
