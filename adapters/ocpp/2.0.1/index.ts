/**
 * OCPP 2.0.1: the version mapping (inbound action table and outbound calls).
 */
import type { InboundHandler, VersionMapping } from '../version-mapping.ts';
import { authorize2x } from './authorize.ts';
import { bootNotification2x } from './boot-notification.ts';
import { clearChargingProfile2x } from './clear-charging-profile.ts';
import { getCompositeSchedule2x } from './get-composite-schedule.ts';
import { discover201 } from './get-variables.ts';
import { heartbeat2x } from './heartbeat.ts';
import { meterValues2x } from './meter-values.ts';
import { acceptStatus2x, acknowledge2x, dataTransfer2x } from './notifications.ts';
import { notifyEvChargingNeeds201 } from './notify-ev-charging-needs.ts';
import { setChargingProfile201 } from './set-charging-profile.ts';
import { statusNotification2x } from './status-notification.ts';
import { transactionEvent2x } from './transaction-event.ts';

/** Inbound actions common to 2.0.1 and 2.1 (2.1 overrides NotifyEVChargingNeeds). */
export const inbound2x: Readonly<Record<string, InboundHandler>> = {
  BootNotification: bootNotification2x,
  Heartbeat: heartbeat2x,
  StatusNotification: statusNotification2x,
  Authorize: authorize2x,
  TransactionEvent: transactionEvent2x,
  MeterValues: meterValues2x,
  NotifyEVChargingSchedule: acceptStatus2x,
  DataTransfer: dataTransfer2x,
  NotifyChargingLimit: acknowledge2x,
  ClearedChargingLimit: acknowledge2x,
  ReportChargingProfiles: acknowledge2x,
  NotifyReport: acknowledge2x,
  NotifyEvent: acknowledge2x,
  SecurityEventNotification: acknowledge2x,
  FirmwareStatusNotification: acknowledge2x,
  LogStatusNotification: acknowledge2x,
};

export const mapping201: VersionMapping = {
  version: '2.0.1',
  inbound: { ...inbound2x, NotifyEVChargingNeeds: notifyEvChargingNeeds201 },
  discover: discover201,
  setChargingProfile: setChargingProfile201,
  clearChargingProfile: clearChargingProfile2x,
  getCompositeSchedule: getCompositeSchedule2x,
};
