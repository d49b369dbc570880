/**
 * OCPP 2.1 GetVariables (CSMS -> charging station): capability discovery, 2.0.1's SmartChargingCtrlr
 * variables plus V2X.
 *
 * Writes: getVariableData[] = SmartChargingCtrlr.{Enabled, Entries[ChargingProfiles], ProfileStackLevel,
 *         RateUnit, PeriodsPerSchedule}, V2XChargingCtrlr(evse 1).{Enabled, SupportedOperationModes}
 * Reads:  getVariableResult[].{attributeStatus, component.name, variable.{name, instance},
 *         attributeValue}
 * V2X (CentralSetpoint discharge) is used only when V2XChargingCtrlr.Enabled is true and
 * SupportedOperationModes, if reported, lists CentralSetpoint. EVSE 1 stands for every EVSE of the station.
 */
import type { ChargerCapabilities } from '../capabilities.ts';
import type { OcppCall } from '../version-mapping.ts';
import { capabilitiesFromVariables201, getVariables2x, smartChargingVariables, type VariableRef } from '../2.0.1/get-variables.ts';

export const v2xVariables: VariableRef[] = [
  { component: { name: 'V2XChargingCtrlr', evse: { id: 1 } }, variable: { name: 'Enabled' } },
  { component: { name: 'V2XChargingCtrlr', evse: { id: 1 } }, variable: { name: 'SupportedOperationModes' } },
];

/** Capabilities from the accepted values (pure). */
export function capabilitiesFromVariables21(values: Map<string, string>): ChargerCapabilities {
  const base = capabilitiesFromVariables201(values);
  const enabled = values.get('V2XChargingCtrlr.Enabled')?.trim().toLowerCase() === 'true';
  const modes = values.get('V2XChargingCtrlr.SupportedOperationModes');
  const central = modes === undefined || modes.split(/[,\s]+/).includes('CentralSetpoint');
  return { ...base, v2xCentralSetpoint: base.smartCharging && enabled && central };
}

export async function discover21(call: OcppCall): Promise<ChargerCapabilities> {
  return capabilitiesFromVariables21(await getVariables2x(call, [...smartChargingVariables, ...v2xVariables]));
}
