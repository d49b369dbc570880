/**
 * OCPP 2.0.1 GetVariables (CSMS -> charging station): smart-charging capability discovery at boot.
 *
 * Writes: getVariableData[] = SmartChargingCtrlr.{Enabled, Entries[ChargingProfiles], ProfileStackLevel,
 *         RateUnit, PeriodsPerSchedule} (attributeType Actual by default)
 * Reads:  getVariableResult[].{attributeStatus, component.name, variable.{name, instance},
 *         attributeValue}; a variable not Accepted keeps its default
 */
import { defaultCapabilities, parseCount, parseRateUnits, type ChargerCapabilities } from '../capabilities.ts';
import type { OcppCall } from '../version-mapping.ts';

export interface VariableRef {
  component: { name: string; evse?: { id: number } };
  variable: { name: string; instance?: string };
}

export interface GetVariableResult2x extends VariableRef {
  attributeStatus: string;
  attributeValue?: string;
}

export const smartChargingVariables: VariableRef[] = [
  { component: { name: 'SmartChargingCtrlr' }, variable: { name: 'Enabled' } },
  { component: { name: 'SmartChargingCtrlr' }, variable: { name: 'Entries', instance: 'ChargingProfiles' } },
  { component: { name: 'SmartChargingCtrlr' }, variable: { name: 'ProfileStackLevel' } },
  { component: { name: 'SmartChargingCtrlr' }, variable: { name: 'RateUnit' } },
  { component: { name: 'SmartChargingCtrlr' }, variable: { name: 'PeriodsPerSchedule' } },
];

/** Accepted values by `Component.Variable[instance]`. */
export function acceptedValues(results: readonly GetVariableResult2x[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of results) {
    if (r.attributeStatus !== 'Accepted' || r.attributeValue === undefined) continue;
    out.set(`${r.component.name}.${r.variable.name}${r.variable.instance ? `[${r.variable.instance}]` : ''}`, r.attributeValue);
  }
  return out;
}

/** Capabilities from SmartChargingCtrlr values (pure). */
export function capabilitiesFromVariables201(values: Map<string, string>): ChargerCapabilities {
  const enabled = values.get('SmartChargingCtrlr.Enabled');
  const maxPeriods = parseCount(values.get('SmartChargingCtrlr.PeriodsPerSchedule'));
  const maxProfiles = parseCount(values.get('SmartChargingCtrlr.Entries[ChargingProfiles]'));
  return {
    smartCharging: enabled === undefined ? defaultCapabilities.smartCharging : enabled.trim().toLowerCase() === 'true',
    maxStackLevel: parseCount(values.get('SmartChargingCtrlr.ProfileStackLevel')) ?? defaultCapabilities.maxStackLevel,
    rateUnits: parseRateUnits(values.get('SmartChargingCtrlr.RateUnit')) ?? defaultCapabilities.rateUnits,
    maxPeriods: maxPeriods !== undefined && maxPeriods >= 1 ? maxPeriods : defaultCapabilities.maxPeriods,
    ...(maxProfiles !== undefined ? { maxProfiles } : {}),
    v2xCentralSetpoint: false,
    discovered: true,
  };
}

export async function getVariables2x(call: OcppCall, refs: readonly VariableRef[]): Promise<Map<string, string>> {
  const conf = (await call('GetVariables', { getVariableData: refs })) as { getVariableResult: GetVariableResult2x[] };
  return acceptedValues(conf.getVariableResult);
}

export async function discover201(call: OcppCall): Promise<ChargerCapabilities> {
  return capabilitiesFromVariables201(await getVariables2x(call, smartChargingVariables));
}
