/**
 * The service's site model with a three-phase network: the shipped Caltech model round-trips through the
 * API and the OpenAPI document describes it; a network that does not fit the chargers is refused with
 * field-named errors (422) or schema errors (400) and changes nothing; plans keep every exact current limit,
 * say so in the plan view, and the profiles sent to the chargers (amps rounded towards zero) keep them too.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargerPlanSetFromPlan } from '../../../adapters/ocpp/plan-to-charger-schedules.ts';
import { buildSchedule } from '../../../adapters/ocpp/profile-builder.ts';
import { rateToKw } from '../../../adapters/ocpp/rate-units.ts';
import { problemNetwork, type SiteNetwork } from '../../../grid/site-network.ts';
import { networkLoading } from '../../../optimizer/network/network-loading.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import { closeSharedPool, createHarness, json, t0, type Harness } from '../service-harness.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const caltech = JSON.parse(readFileSync(resolve(root, 'scenarios/shipped/sites/caltech-acn.json'), 'utf8')) as {
  id: string;
  chargers: { id: string; ac: { maxCurrentA: number; minCurrentA: number; phases: 1; voltageV: number } }[];
  network: SiteNetwork;
} & Record<string, unknown>;

/** The Caltech model under another id and a transformer of `ratingKva`. */
function caltechSite(id: string, ratingKva = 150, network: Partial<SiteNetwork> = {}) {
  return { ...caltech, id, network: { ...caltech.network, transformer: { ...caltech.network.transformer!, ratingKva }, ...network } };
}

/** Flat SCE-like prices in USD/MWh over `hours` from t0, 5-minute intervals. */
function usdPrices(hours: number) {
  return {
    unit: 'USD/MWh',
    intervals: Array.from({ length: hours * 12 }, (_, i) => ({
      start: new Date(t0 + i * 300_000).toISOString(),
      end: new Date(t0 + (i + 1) * 300_000).toISOString(),
      value: i % 24 < 12 ? 60 : 250,
    })),
  };
}

const pointers = (res: Parameters<typeof json>[0]) => json(res).errors.map((e: { pointer: string }) => e.pointer);

describe('sites with a three-phase network', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
    await closeSharedPool();
  });

  it('the shipped Caltech model is created as it is, and read back with its network', async () => {
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: caltech });
    expect(res.statusCode, res.body).toBe(201);
    const site = json(await h.request('read', { method: 'GET', url: '/v1/sites/caltech-acn' }));
    expect(site.network).toEqual(caltech.network);
    expect(site.chargers).toHaveLength(54);
  });

  it('the OpenAPI document describes the network: connections, breakers, transformer nameplate', async () => {
    const doc = json(await h.request('anonymous', { method: 'GET', url: '/docs/json' }));
    const text = JSON.stringify(doc.paths['/v1/sites'].post);
    for (const word of ['"connection"', '"angleDeg"', '"breakers"', '"ratingKva"', '"secondaryVoltageV"', '"maxMagnitudeLossPct"', 'line pair (AB, BC, CA)']) expect(text).toContain(word);
  });

  const refused: { name: string; body: () => Record<string, unknown>; pointer: string; detail: RegExp }[] = [
    {
      name: 'an unknown charger in a group',
      body: () => caltechSite('bad-1', 150, { groups: [{ ...caltech.network.groups[0]!, chargerIds: [...caltech.network.groups[0]!.chargerIds, 'CA-999'] }, ...caltech.network.groups.slice(1)] }),
      pointer: '/body/network/groups/0/chargerIds/26',
      detail: /unknown charger "CA-999": the site has no such charger/,
    },
    {
      name: 'a charger in no group',
      body: () => ({ ...caltechSite('bad-2'), chargers: [...caltech.chargers, { id: 'CA-999', ac: caltech.chargers[0]!.ac }] }),
      pointer: '/body/chargers/54/id',
      detail: /charger "CA-999" is in no group of the network/,
    },
    {
      name: 'an angle outside the three line pairs',
      body: () => caltechSite('bad-3', 150, { groups: [caltech.network.groups[0]!, { ...caltech.network.groups[1]!, angleDeg: 90 }, caltech.network.groups[2]!] }),
      pointer: '/body/network/groups/1/angleDeg',
      detail: /90 degrees is not on line pair BC: its current lies within 30 degrees of -90/,
    },
    {
      name: "a pod breaker below one charger's minimum current",
      body: () => caltechSite('bad-4', 150, { breakers: [{ ...caltech.network.breakers![0]!, maxCurrentA: 5 }, caltech.network.breakers![1]!] }),
      pointer: '/body/network/breakers/0/maxCurrentA',
      detail: /5 A \(breaker clipper-creek-pod line a\) is below the 6 A that charger "CA-322" alone draws/,
    },
    {
      name: "a transformer too small for one charger's minimum",
      body: () => caltechSite('bad-5', 0.5),
      pointer: '/body/network/transformer/ratingKva',
      detail: /below the 6 A/,
    },
    {
      name: "a charger's AC voltage unlike its group's",
      body: () => ({ ...caltechSite('bad-6'), chargers: caltech.chargers.map((c, i) => (i === 0 ? { ...c, ac: { ...c.ac, voltageV: 240 } } : c)) }),
      pointer: '/body/chargers/0/ac',
      detail: /240 V x 1 phase\(s\) does not match group "AB": 208 V/,
    },
  ];

  it.each(refused)('refuses $name (422, the field named), and stores nothing', async ({ body, pointer, detail }) => {
    const b = body();
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: b });
    expect(res.statusCode, res.body).toBe(422);
    const error = json(res).errors.find((e: { pointer: string }) => e.pointer === pointer);
    expect(error, res.body).toBeDefined();
    expect(error.detail).toMatch(detail);
    expect((await h.request('read', { method: 'GET', url: `/v1/sites/${String(b.id)}` })).statusCode).toBe(404);
  });

  it('a malformed network is a 400 naming each field', async () => {
    const body = caltechSite('bad-7', 150, { groups: [{ ...caltech.network.groups[0]!, connection: 'AD' as 'AB' }, ...caltech.network.groups.slice(1)], transformer: { ratingKva: -3, secondaryVoltageV: 120 } });
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: body });
    expect(res.statusCode).toBe(400);
    expect(pointers(res)).toEqual(expect.arrayContaining(['/body/network/groups/0/connection', '/body/network/transformer/ratingKva']));
  });

  it('a PUT that breaks the network is refused the same way (422) and the site keeps its revision', async () => {
    const { id: _id, ...body } = caltechSite('caltech-acn', 150, { breakers: [{ id: 'pod', maxCurrentA: 80, chargerIds: ['CA-nope'] }] });
    const res = await h.request('admin', { method: 'PUT', url: '/v1/sites/caltech-acn', payload: body });
    expect(res.statusCode).toBe(422);
    expect(pointers(res)).toContain('/body/network/breakers/0/chargerIds/0');
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/caltech-acn' })).revision).toBe(1);
  });

  it('plans keep every exact current limit; the plan view shows the peaks; the charging profiles keep them too', async () => {
    // 12 kVA: 33.3 A per secondary line, 14.4 A per primary line; eight cars on AB and CA at 32 A each want far more.
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: caltechSite('tight', 12) });
    expect(res.statusCode, res.body).toBe(201);
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/tight/signals/import-price', payload: usdPrices(24) });
    const chargers = ['CA-308', 'CA-508', 'CA-303', 'CA-322', 'CA-307', 'CA-509', 'CA-309', 'CA-304'];
    for (const [i, chargerId] of chargers.entries()) {
      const s = await h.request('admin', {
        method: 'POST',
        url: '/v1/sites/tight/sessions',
        payload: { id: `ev-${i}`, chargerId, departure: new Date(t0 + (4 + i) * 3_600_000).toISOString(), capacityKwh: 60, socPercent: 20, targetSocPercent: 80, v2gConsent: false },
      });
      expect(s.statusCode, s.body).toBe(201);
    }
    const opt = await h.request('admin', { method: 'POST', url: '/v1/sites/tight/optimize' });
    expect([200, 202]).toContain(opt.statusCode);
    await h.settle();
    const view = json(await h.request('read', { method: 'GET', url: '/v1/sites/tight/plan' }));
    const secondary = view.network.elements.find((e: { name: string }) => e.name === 'transformer secondary line a');
    expect(secondary.limitA).toBeCloseTo(12_000 / 3 / 120, 2);
    for (const e of view.network.elements) if (e.limitA !== undefined) expect(e.peakA).toBeLessThanOrEqual(e.limitA + 1e-3);
    expect(Math.max(...view.network.elements.filter((e: { limitA?: number }) => e.limitA !== undefined).map((e: { peakLoadingPct: number }) => e.peakLoadingPct))).toBeGreaterThan(95);

    const state = await h.service.ctx.store.getPlanState('tight');
    const record = (await h.service.ctx.store.getPlan('tight', state.currentPlanId!))!;
    expect(validatePlan(record.problem, record.plan)).toEqual([]);
    // What the chargers are sent: A per phase at 208 V, towards zero to 0.1 A, slot by slot.
    const set = chargerPlanSetFromPlan(record.plan, record.grid);
    const sentKw = new Map<string, number[]>();
    for (const evse of set.evses) {
      const built = buildSchedule({ startUtcMs: evse.startUtcMs, slotMs: evse.slotMs, valuesKw: evse.powerKw }, { nowUtcMs: record.grid.startUtcMs, rateUnit: 'A', voltageV: 208, phases: 1, dc: false, maxPeriods: 1000, discharge: 'none' });
      const kw = evse.powerKw.map((_, t) => {
        const at = t * (evse.slotMs / 1000);
        const period = [...built!.periods].reverse().find((p) => p.startPeriodS <= at)!;
        return rateToKw(period.limit!, 'A', 208, 1);
      });
      sentKw.set(evse.chargerId, kw);
    }
    const loading = networkLoading(problemNetwork(caltechSite('tight', 12).network), sentKw, record.plan.slotCount);
    for (const e of loading.elements) expect(e.slotsOverLimit, e.name).toBe(0);
  });
});
