/**
 * OCPP 2.1: the version mapping. Every message whose fields we read or write is identical to 2.0.1
 * except SetChargingProfile (V2X periods), NotifyEVChargingNeeds (V2X parameters) and the capability
 * discovery (V2XChargingCtrlr); those have their own files here, the rest is 2.0.1's.
 */
import type { VersionMapping } from '../version-mapping.ts';
import { clearChargingProfile2x } from '../2.0.1/clear-charging-profile.ts';
import { getCompositeSchedule2x } from '../2.0.1/get-composite-schedule.ts';
import { inbound2x } from '../2.0.1/index.ts';
import { discover21 } from './get-variables.ts';
import { notifyEvChargingNeeds21 } from './notify-ev-charging-needs.ts';
import { setChargingProfile21 } from './set-charging-profile.ts';

export const mapping21: VersionMapping = {
  version: '2.1',
  inbound: { ...inbound2x, NotifyEVChargingNeeds: notifyEvChargingNeeds21 },
  discover: discover21,
  setChargingProfile: setChargingProfile21,
  clearChargingProfile: clearChargingProfile2x,
  getCompositeSchedule: getCompositeSchedule2x,
};
