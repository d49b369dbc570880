/**
 * OCPP 1.6 GetConfiguration (CSMS -> charge point): smart-charging capability discovery at boot.
 *
 * Writes: key[] = SupportedFeatureProfiles, ChargeProfileMaxStackLevel,
 *         ChargingScheduleAllowedChargingRateUnit, ChargingScheduleMaxPeriods,
 *         MaxChargingProfilesInstalled, NumberOfConnectors
 * Reads:  configurationKey[].{key, value}; unknownKey[] (missing keys keep the defaults)
 */
import { defaultCapabilities, parseCount, parseRateUnits, type ChargerCapabilities } from '../capabilities.ts';
import type { OcppCall } from '../version-mapping.ts';

export const capabilityKeys16 = [
  'SupportedFeatureProfiles',
  'ChargeProfileMaxStackLevel',
  'ChargingScheduleAllowedChargingRateUnit',
  'ChargingScheduleMaxPeriods',
  'MaxChargingProfilesInstalled',
  'NumberOfConnectors',
] as const;

export interface GetConfigurationConf16 {
  configurationKey?: { key: string; readonly: boolean; value?: string }[];
  unknownKey?: string[];
}

/** Capabilities from a GetConfiguration answer (pure). */
export function capabilitiesFromConfiguration16(conf: GetConfigurationConf16): ChargerCapabilities {
  const values = new Map((conf.configurationKey ?? []).map((k) => [k.key, k.value]));
  const profiles = values.get('SupportedFeatureProfiles');
  const rateUnits = parseRateUnits(values.get('ChargingScheduleAllowedChargingRateUnit'));
  const maxStackLevel = parseCount(values.get('ChargeProfileMaxStackLevel'));
  const maxPeriods = parseCount(values.get('ChargingScheduleMaxPeriods'));
  const maxProfiles = parseCount(values.get('MaxChargingProfilesInstalled'));
  const connectorCount = parseCount(values.get('NumberOfConnectors'));
  return {
    smartCharging: profiles === undefined ? defaultCapabilities.smartCharging : profiles.split(',').map((s) => s.trim()).includes('SmartCharging'),
    maxStackLevel: maxStackLevel ?? defaultCapabilities.maxStackLevel,
    rateUnits: rateUnits ?? defaultCapabilities.rateUnits,
    maxPeriods: maxPeriods !== undefined && maxPeriods >= 1 ? maxPeriods : defaultCapabilities.maxPeriods,
    ...(maxProfiles !== undefined ? { maxProfiles } : {}),
    ...(connectorCount !== undefined ? { connectorCount } : {}),
    v2xCentralSetpoint: false,
    discovered: true,
  };
}

export async function discover16(call: OcppCall): Promise<ChargerCapabilities> {
  const conf = (await call('GetConfiguration', { key: [...capabilityKeys16] })) as GetConfigurationConf16;
  return capabilitiesFromConfiguration16(conf);
}
