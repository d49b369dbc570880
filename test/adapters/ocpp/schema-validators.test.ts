/**
 * Strict schemas: ocpp-rpc's stock 2.1 validator cannot find any schema (its ids are urn:XRequest), ours
 * remaps them; and every request our encoders build passes the official schema of its version.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeClearChargingProfile16 } from '../../../adapters/ocpp/1.6/clear-charging-profile.ts';
import { capabilityKeys16 } from '../../../adapters/ocpp/1.6/get-configuration.ts';
import { encodeSetChargingProfile16 } from '../../../adapters/ocpp/1.6/set-charging-profile.ts';
import { encodeClearChargingProfile2x } from '../../../adapters/ocpp/2.0.1/clear-charging-profile.ts';
import { encodeSetChargingProfile2x, period201 } from '../../../adapters/ocpp/2.0.1/set-charging-profile.ts';
import { smartChargingVariables } from '../../../adapters/ocpp/2.0.1/get-variables.ts';
import { v2xVariables } from '../../../adapters/ocpp/2.1/get-variables.ts';
import { encodeSetChargingProfile21 } from '../../../adapters/ocpp/2.1/set-charging-profile.ts';
import { defaultCapabilities, type DischargeMode } from '../../../adapters/ocpp/capabilities.ts';
import { buildStationProfile, buildTxProfile, fallbackOf } from '../../../adapters/ocpp/profile-builder.ts';
import type { ProfileSpec } from '../../../adapters/ocpp/profile-spec.ts';
import { officialSchemas, remapSchemaId, schemaProblem, strictValidators } from '../../../adapters/ocpp/schema-validators.ts';

const require = createRequire(import.meta.url);
const T0 = Date.parse('2025-01-06T08:00:00Z');

describe('the ocpp-rpc 2.1 schema-id defect and its remap', () => {
  it('the stock 2.1 validator finds no schema for any message', () => {
    // The service registers an empty stock list in the require cache (adapters/ocpp/ocpp-rpc.ts): load the real one.
    const file = require.resolve('ocpp-rpc/lib/standard-validators');
    const registered = require.cache[file];
    delete require.cache[file];
    const stockList = require(file) as { subprotocol: string; validate(id: string, p: unknown): unknown }[];
    require.cache[file] = registered;
    const stock = stockList.find((v) => v.subprotocol === 'ocpp2.1')!;
    expect(() => stock.validate('urn:BootNotification.req', { reason: 'PowerUp', chargingStation: { model: 'm', vendorName: 'v' } }))
      .toThrow("Schema 'urn:BootNotification.req' is missing from subprotocol schema 'ocpp2.1'");
  });

  it('ids are remapped urn:XRequest -> urn:X.req, urn:XResponse -> urn:X.conf; 1.6 and 2.0.1 ids are kept', () => {
    expect(remapSchemaId('urn:SetChargingProfileRequest')).toBe('urn:SetChargingProfile.req');
    expect(remapSchemaId('urn:SetChargingProfileResponse')).toBe('urn:SetChargingProfile.conf');
    expect(remapSchemaId('urn:SetChargingProfile.req')).toBe('urn:SetChargingProfile.req');
    const ids = officialSchemas('ocpp2.1').map((s) => s.$id!);
    // NotifyPeriodicEventStream is a 2.1 SEND frame (no response; ocpp-rpc does not speak SEND, mikuso/ocpp-rpc#96).
    expect(ids.filter((id) => !/^urn:[A-Za-z0-9]+\.(req|conf)$/.test(id))).toEqual(['urn:NotifyPeriodicEventStream']);
    expect(ids.length).toBe(181);
  });

  it('our 2.1 validator accepts a valid message and rejects an invalid one', () => {
    expect(strictValidators().map((v) => v.subprotocol)).toEqual(['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1']);
    expect(schemaProblem('ocpp2.1', 'BootNotification', 'req', { reason: 'PowerUp', chargingStation: { model: 'm', vendorName: 'v' } })).toBeUndefined();
    expect(schemaProblem('ocpp2.1', 'BootNotification', 'req', { reason: 'Because', chargingStation: { model: 'm', vendorName: 'v' } })).toMatch(/reason/);
    expect(schemaProblem('ocpp2.1', 'NotifyEVChargingNeeds', 'conf', { status: 'NoChargingProfile' })).toBeUndefined();
  });

  it('a positive dischargeLimit never passes the 2.1 schema; a negative one with CentralSetpoint does', () => {
    const frame = (period: Record<string, unknown>) => ({ evseId: 1, chargingProfile: { id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, startSchedule: new Date(T0).toISOString(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, ...period }] }] } });
    expect(schemaProblem('ocpp2.1', 'SetChargingProfile', 'req', frame({ operationMode: 'CentralSetpoint', setpoint: -5000, dischargeLimit: -5000 }))).toBeUndefined();
    expect(schemaProblem('ocpp2.1', 'SetChargingProfile', 'req', frame({ dischargeLimit: 5000 }))).toMatch(/must be <= 0/);
  });
});

describe('every request our encoders build passes the official schema', () => {
  const spec = fc.record({
    kw: fc.array(fc.double({ min: -22, max: 22, noNaN: true }), { minLength: 1, maxLength: 96 }),
    unit: fc.constantFrom('W' as const, 'A' as const),
    maxPeriods: fc.integer({ min: 1, max: 96 }),
    maxStackLevel: fc.integer({ min: 0, max: 10 }),
    evseId: fc.integer({ min: 1, max: 4 }),
    discharge: fc.constantFrom<DischargeMode>('none', 'negative-limit', 'central-setpoint'),
  });

  function specs(x: typeof spec extends fc.Arbitrary<infer T> ? T : never, transactionId: string): ProfileSpec[] {
    const caps = { ...defaultCapabilities, maxStackLevel: x.maxStackLevel, rateUnits: [x.unit] };
    const o = { nowUtcMs: T0, rateUnit: x.unit, voltageV: 230, phases: 3, dc: false, maxPeriods: x.maxPeriods, discharge: x.discharge };
    const tx = buildTxProfile({ chargerId: 'CP', evseId: x.evseId, startUtcMs: T0, slotMs: 900_000, powerKw: x.kw }, transactionId, caps, o)!.spec;
    const station = buildStationProfile({ chargerId: 'CP', startUtcMs: T0, slotMs: 900_000, maxPowerKw: x.kw.map(Math.abs) }, caps, o)!;
    return [tx, fallbackOf(tx, caps), station];
  }

  it('1.6 SetChargingProfile / ClearChargingProfile', () => {
    fc.assert(fc.property(spec, (x) => {
      for (const s of specs({ ...x, discharge: x.discharge === 'central-setpoint' ? 'none' : x.discharge }, '123456')) {
        expect(schemaProblem('ocpp1.6', 'SetChargingProfile', 'req', encodeSetChargingProfile16(s))).toBeUndefined();
        expect(schemaProblem('ocpp1.6', 'ClearChargingProfile', 'req', encodeClearChargingProfile16({ profileId: s.id }))).toBeUndefined();
      }
      return true;
    }), { seed: 16, numRuns: 150 });
    expect(schemaProblem('ocpp1.6', 'GetConfiguration', 'req', { key: [...capabilityKeys16] })).toBeUndefined();
    expect(schemaProblem('ocpp1.6', 'ClearChargingProfile', 'req', encodeClearChargingProfile16({ evseId: 1, purpose: 'StationMaxProfile', stackLevel: 0 }))).toBeUndefined();
  });

  it('2.0.1 SetChargingProfile / ClearChargingProfile / GetVariables', () => {
    fc.assert(fc.property(spec, (x) => {
      for (const s of specs({ ...x, discharge: x.discharge === 'central-setpoint' ? 'none' : x.discharge }, 'tx-1')) {
        expect(schemaProblem('ocpp2.0.1', 'SetChargingProfile', 'req', encodeSetChargingProfile2x(s, period201))).toBeUndefined();
      }
      return true;
    }), { seed: 201, numRuns: 150 });
    expect(schemaProblem('ocpp2.0.1', 'ClearChargingProfile', 'req', encodeClearChargingProfile2x({ evseId: 0, purpose: 'StationMaxProfile' }))).toBeUndefined();
    expect(schemaProblem('ocpp2.0.1', 'GetVariables', 'req', { getVariableData: smartChargingVariables })).toBeUndefined();
  });

  it('2.1 SetChargingProfile (V2X periods) / GetVariables', () => {
    fc.assert(fc.property(spec, (x) => {
      for (const s of specs({ ...x, discharge: x.discharge === 'negative-limit' ? 'central-setpoint' : x.discharge }, 'tx-1')) {
        expect(schemaProblem('ocpp2.1', 'SetChargingProfile', 'req', encodeSetChargingProfile21(s))).toBeUndefined();
      }
      return true;
    }), { seed: 21, numRuns: 150 });
    expect(schemaProblem('ocpp2.1', 'GetVariables', 'req', { getVariableData: [...smartChargingVariables, ...v2xVariables] })).toBeUndefined();
  });
});
