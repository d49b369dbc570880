/**
 * The safe first limit of a new OCPP transaction (issue 11): charge only, within its charger and the
 * site's headroom now, 0 when its battery holds its target, and never built from another session's plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chargerMaxKw, firstLimitOf } from '../../../adapters/service/first-limit.ts';
import type { PlanRecord } from '../../../adapters/store/records.ts';
import { HOUR, T0, aSessionRecord, aSiteRecord } from './builders.ts';

const siteNow = { importLimitKw: 100, baseLoadKw: 20, pvKw: 0, source: 'test' };
const planWith = (vehicles: { id: string; powerKw: number[] }[]) =>
  ({ grid: { startUtcMs: T0, slotMs: 900_000, slotCount: 4 }, plan: { vehicles: vehicles.map((v) => ({ ...v, chargerId: 'c1', energyKwh: [], shortfallKwh: 0 })) } }) as unknown as PlanRecord;

describe('firstLimitOf', () => {
  it("is the charger's power when the site has room", () => {
    const session = aSessionRecord({ id: 'new', chargerId: 'c2' });
    const r = firstLimitOf({ site: aSiteRecord(), session, sessions: [session], siteNow, nowUtcMs: T0, energyKwh: 30 });
    expect(r.maxPowerKw).toBe(11.04);
    expect(r.reason).toMatch(/charger 11.04 kW/);
  });

  it("is cut to the headroom the other sessions' planned charge leaves, and ignores their discharge", () => {
    const session = aSessionRecord({ id: 'new', chargerId: 'c1' });
    const other = aSessionRecord({ id: 'old', chargerId: 'c2' });
    const plan = planWith([{ id: 'old', powerKw: [75, 75, 0, 0] }]);
    const r = firstLimitOf({ site: aSiteRecord(), session, sessions: [session, other], planInForce: plan, siteNow, nowUtcMs: T0 + 60_000, energyKwh: 30 });
    expect(r.maxPowerKw).toBe(5);
    const discharging = planWith([{ id: 'old', powerKw: [-11, -11, 0, 0] }]);
    expect(firstLimitOf({ site: aSiteRecord(), session, sessions: [session, other], planInForce: discharging, siteNow, nowUtcMs: T0, energyKwh: 30 }).maxPowerKw).toBe(11);
  });

  it("counts a session the plan does not have yet at its charger's full power", () => {
    const session = aSessionRecord({ id: 'new', chargerId: 'c1' });
    const other = aSessionRecord({ id: 'also-new', chargerId: 'c2' });
    const r = firstLimitOf({ site: aSiteRecord(), session, sessions: [session, other], siteNow: { ...siteNow, importLimitKw: 35 }, nowUtcMs: T0, energyKwh: 30 });
    expect(r.maxPowerKw).toBe(3.96);
  });

  it('is 0 when the battery holds its target, or the site has no headroom', () => {
    const session = aSessionRecord({ id: 'new', targetEnergyKwh: 20, targetSocPercent: undefined });
    expect(firstLimitOf({ site: aSiteRecord(), session, sessions: [session], siteNow, nowUtcMs: T0, energyKwh: 25 }).maxPowerKw).toBe(0);
    const s2 = aSessionRecord({ id: 'new' });
    expect(firstLimitOf({ site: aSiteRecord(), session: s2, sessions: [s2], siteNow: { ...siteNow, baseLoadKw: 130 }, nowUtcMs: T0, energyKwh: 25 }).maxPowerKw).toBe(0);
  });

  it("never negative, never above its charger, never larger for a discharging plan of another session (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          importLimitKw: fc.double({ min: 0, max: 200, noNaN: true }),
          baseLoadKw: fc.double({ min: 0, max: 300, noNaN: true }),
          pvKw: fc.double({ min: 0, max: 100, noNaN: true }),
          otherKw: fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 4, maxLength: 4 }),
          energyKwh: fc.double({ min: 0, max: 60, noNaN: true }),
          v2gConsent: fc.boolean(),
          minute: fc.integer({ min: 0, max: 59 }),
        }),
        (x) => {
          const session = aSessionRecord({ id: 'new', chargerId: 'c1', v2gConsent: x.v2gConsent, arrivalUtcMs: T0 - HOUR });
          const other = aSessionRecord({ id: 'old', chargerId: 'c2' });
          const r = firstLimitOf({
            site: aSiteRecord(), session, sessions: [session, other], planInForce: planWith([{ id: 'old', powerKw: x.otherKw }, { id: 'new', powerKw: [-11, -11, -11, -11] }]),
            siteNow: { importLimitKw: x.importLimitKw, baseLoadKw: x.baseLoadKw, pvKw: x.pvKw, source: 'p' }, nowUtcMs: T0 + x.minute * 60_000, energyKwh: x.energyKwh,
          });
          expect(r.maxPowerKw).toBeGreaterThanOrEqual(0);
          expect(r.maxPowerKw).toBeLessThanOrEqual(chargerMaxKw(aSiteRecord(), 'c1'));
        },
      ),
      { numRuns: 1_000, seed: 11 },
    );
  });
});
