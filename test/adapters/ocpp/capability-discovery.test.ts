/** Capabilities from 1.6 GetConfiguration and 2.x GetVariables answers; the discharge gate. */
import { describe, expect, it } from 'vitest';
import { capabilitiesFromConfiguration16 } from '../../../adapters/ocpp/1.6/get-configuration.ts';
import { acceptedValues, capabilitiesFromVariables201 } from '../../../adapters/ocpp/2.0.1/get-variables.ts';
import { capabilitiesFromVariables21 } from '../../../adapters/ocpp/2.1/get-variables.ts';
import { chooseRateUnit, defaultCapabilities, defaultChargerSettings, dischargeModeOf, parseRateUnits } from '../../../adapters/ocpp/capabilities.ts';

describe('1.6 GetConfiguration', () => {
  it('reads the smart-charging keys', () => {
    const caps = capabilitiesFromConfiguration16({
      configurationKey: [
        { key: 'SupportedFeatureProfiles', readonly: true, value: 'Core,FirmwareManagement,SmartCharging' },
        { key: 'ChargeProfileMaxStackLevel', readonly: true, value: '3' },
        { key: 'ChargingScheduleAllowedChargingRateUnit', readonly: true, value: 'Current' },
        { key: 'ChargingScheduleMaxPeriods', readonly: true, value: '12' },
        { key: 'MaxChargingProfilesInstalled', readonly: true, value: '8' },
        { key: 'NumberOfConnectors', readonly: true, value: '2' },
      ],
    });
    expect(caps).toEqual({ smartCharging: true, maxStackLevel: 3, rateUnits: ['A'], maxPeriods: 12, maxProfiles: 8, connectorCount: 2, v2xCentralSetpoint: false, discovered: true });
  });

  it('no SmartCharging profile means no smart charging; missing keys keep the defaults', () => {
    const caps = capabilitiesFromConfiguration16({ configurationKey: [{ key: 'SupportedFeatureProfiles', readonly: true, value: 'Core' }], unknownKey: ['ChargeProfileMaxStackLevel'] });
    expect(caps).toMatchObject({ smartCharging: false, maxStackLevel: defaultCapabilities.maxStackLevel, rateUnits: defaultCapabilities.rateUnits, maxPeriods: defaultCapabilities.maxPeriods });
  });

  it('unit lists in both spellings', () => {
    expect(parseRateUnits('Current,Power')).toEqual(['A', 'W']);
    expect(parseRateUnits('W')).toEqual(['W']);
    expect(parseRateUnits('A, W')).toEqual(['A', 'W']);
    expect(chooseRateUnit({ ...defaultCapabilities, rateUnits: ['A', 'W'] })).toBe('W');
    expect(chooseRateUnit({ ...defaultCapabilities, rateUnits: [] })).toBeUndefined();
  });
});

describe('2.x GetVariables', () => {
  const result = (component: string, variable: string, attributeValue: string | undefined, instance?: string, attributeStatus = 'Accepted') => ({
    attributeStatus, component: { name: component }, variable: { name: variable, ...(instance ? { instance } : {}) }, ...(attributeValue !== undefined ? { attributeValue } : {}),
  });
  const values = acceptedValues([
    result('SmartChargingCtrlr', 'Enabled', 'true'),
    result('SmartChargingCtrlr', 'Entries', '20', 'ChargingProfiles'),
    result('SmartChargingCtrlr', 'ProfileStackLevel', '4'),
    result('SmartChargingCtrlr', 'RateUnit', 'A,W'),
    result('SmartChargingCtrlr', 'PeriodsPerSchedule', '24'),
    result('V2XChargingCtrlr', 'Enabled', 'true'),
    result('V2XChargingCtrlr', 'SupportedOperationModes', 'ChargingOnly,CentralSetpoint'),
    result('SmartChargingCtrlr', 'LimitChangeSignificance', undefined, undefined, 'UnknownVariable'),
  ]);

  it('2.0.1: SmartChargingCtrlr', () => {
    expect(capabilitiesFromVariables201(values)).toEqual({ smartCharging: true, maxStackLevel: 4, rateUnits: ['A', 'W'], maxPeriods: 24, maxProfiles: 20, v2xCentralSetpoint: false, discovered: true });
  });

  it('2.1: V2X with CentralSetpoint; without it, no V2X', () => {
    expect(capabilitiesFromVariables21(values).v2xCentralSetpoint).toBe(true);
    const noCentral = new Map(values);
    noCentral.set('V2XChargingCtrlr.SupportedOperationModes', 'ChargingOnly,ExternalSetpoint');
    expect(capabilitiesFromVariables21(noCentral).v2xCentralSetpoint).toBe(false);
  });
});

describe('the discharge gate', () => {
  const caps = { ...defaultCapabilities, v2xCentralSetpoint: true, discovered: true };
  it.each([
    ['2.1 with V2X', '2.1', caps, false, 'central-setpoint'],
    ['2.1 without V2X, not configured', '2.1', { ...caps, v2xCentralSetpoint: false }, false, 'none'],
    ['1.6 not configured', '1.6', caps, false, 'none'],
    ['1.6 configured for negative limits', '1.6', caps, true, 'negative-limit'],
    ['2.0.1 configured for negative limits', '2.0.1', caps, true, 'negative-limit'],
    ['no smart charging at all', '2.1', { ...caps, smartCharging: false }, true, 'none'],
  ] as const)('%s', (_n, version, c, negative, expected) => {
    expect(dischargeModeOf(version, c, { ...defaultChargerSettings, negativeLimitDischarge: negative })).toBe(expected);
  });
});
