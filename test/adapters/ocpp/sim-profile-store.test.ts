/** The simulator's profile rules (what real chargers reject) and its clear semantics. */
import { describe, expect, it } from 'vitest';
import type { ProfileSpec } from '../../../adapters/ocpp/profile-spec.ts';
import { defaultSimStationConfig, SimProfileStore, type SimStationConfig } from '../../../adapters/ocpp/sim/sim-profile-store.ts';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';

const T0 = Date.parse('2025-01-06T08:00:00Z');
const tx = (evseId: number) => (evseId === 1 ? '7' : undefined);
function p(override: Partial<ProfileSpec> = {}): ProfileSpec {
  return { id: 1, purpose: 'TxProfile', evseId: 1, stackLevel: 0, transactionId: '7', startScheduleUtcMs: T0, durationS: 3600, rateUnit: 'W', periods: [{ startPeriodS: 0, limit: 7000 }], ...override };
}
const store = (config: Partial<SimStationConfig> = {}, version: OcppVersion = '1.6') => new SimProfileStore({ ...defaultSimStationConfig, connectorCount: 2, ...config }, version);

describe('SimProfileStore rules', () => {
  it.each<[string, Partial<ProfileSpec>, Partial<SimStationConfig>, string]>([
    ['a station maximum on a connector', { purpose: 'StationMaxProfile', transactionId: undefined }, {}, 'a station maximum is only allowed on connector 0'],
    ['a TxProfile on connector 0', { evseId: 0 }, {}, 'a TxProfile is not allowed on connector 0'],
    ['a TxProfile without a transaction', { evseId: 2 }, {}, 'TxProfile without a running transaction'],
    ['a TxProfile for another transaction', { transactionId: '8' }, {}, 'TxProfile for transaction 8, running is 7'],
    ['an unsupported unit', { rateUnit: 'W' }, { rateUnits: ['A'] }, 'rate unit W not supported'],
    ['a stack level above the maximum', { stackLevel: 3 }, { maxStackLevel: 2 }, 'stack level 3 above maximum 2'],
    ['too many periods', { periods: [{ startPeriodS: 0, limit: 1 }, { startPeriodS: 60, limit: 2 }] }, { maxPeriods: 1 }, '2 periods, maximum 1'],
    ['a first period not at 0', { periods: [{ startPeriodS: 60, limit: 1 }] }, {}, 'first startPeriod is not 0'],
    ['periods out of order', { periods: [{ startPeriodS: 0, limit: 1 }, { startPeriodS: 0, limit: 2 }] }, {}, 'periods out of order'],
    ['a negative limit without negative-limit V2G', { periods: [{ startPeriodS: 0, limit: -1000 }] }, {}, 'negative limit not supported'],
    ['a CentralSetpoint without V2X', { periods: [{ startPeriodS: 0, operationMode: 'CentralSetpoint', setpoint: -1000 }] }, {}, 'CentralSetpoint not supported (no V2X)'],
    ['an unknown connector', { evseId: 5 }, {}, 'unknown connector 5'],
  ])('rejects %s', (_name, override, config, reason) => {
    expect(store(config).install(p(override), tx)).toEqual({ status: 'Rejected', reason });
  });

  it('answers NotSupported without smart charging', () => {
    expect(store({ smartCharging: false }).install(p(), tx).status).toBe('NotSupported');
  });

  it('the same id replaces; 1.6 replaces the same (stack, purpose, connector), 2.x calls it a conflict', () => {
    const s16 = store();
    s16.install(p({ id: 1 }), tx);
    s16.install(p({ id: 1, periods: [{ startPeriodS: 0, limit: 1 }] }), tx);
    expect(s16.list()).toHaveLength(1);
    expect(s16.install(p({ id: 2 }), tx).status).toBe('Accepted');
    expect(s16.list().map((x) => x.id)).toEqual([2]);
    const s2 = store({}, '2.0.1');
    s2.install(p({ id: 1 }), tx);
    expect(s2.install(p({ id: 2 }), tx).status).toBe('Rejected');
  });

  it('clears by id, by purpose, by stack level; unknown matches give Unknown; transaction end drops TxProfiles', () => {
    const s = store();
    s.install(p({ id: 1 }), tx);
    s.install(p({ id: 2, purpose: 'TxDefaultProfile', transactionId: undefined, stackLevel: 1 }), tx);
    s.install(p({ id: 3, purpose: 'StationMaxProfile', evseId: 0, transactionId: undefined }), tx);
    expect(s.clear({ profileId: 9 })).toBe('Unknown');
    expect(s.clear({ purpose: 'TxDefaultProfile', stackLevel: 0 })).toBe('Unknown');
    expect(s.clear({ purpose: 'TxDefaultProfile', stackLevel: 1 })).toBe('Accepted');
    expect(s.clear({ profileId: 3 })).toBe('Accepted');
    s.endTransaction(1);
    expect(s.list()).toEqual([]);
    expect(s.clear({})).toBe('Unknown');
  });

  it('its target follows the composite, capped by its hardware', () => {
    const s = store();
    s.install(p({ periods: [{ startPeriodS: 0, limit: 50_000 }] }), tx);
    expect(s.targetW(1, '7', T0 + 1)).toEqual({ targetW: 22_080, setpoint: false });
    expect(s.targetW(2, undefined, T0 + 1).targetW).toBe(22_080);
  });
});
