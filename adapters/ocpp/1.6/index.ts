/**
 * OCPP 1.6J: the version mapping (inbound action table and outbound calls).
 */
import type { VersionMapping } from '../version-mapping.ts';
import { authorize16 } from './authorize.ts';
import { bootNotification16 } from './boot-notification.ts';
import { clearChargingProfile16 } from './clear-charging-profile.ts';
import { acknowledge16, dataTransfer16 } from './data-transfer.ts';
import { getCompositeSchedule16 } from './get-composite-schedule.ts';
import { discover16 } from './get-configuration.ts';
import { heartbeat16 } from './heartbeat.ts';
import { meterValues16 } from './meter-values.ts';
import { setChargingProfile16 } from './set-charging-profile.ts';
import { startTransaction16 } from './start-transaction.ts';
import { statusNotification16 } from './status-notification.ts';
import { stopTransaction16 } from './stop-transaction.ts';

export const mapping16: VersionMapping = {
  version: '1.6',
  inbound: {
    BootNotification: bootNotification16,
    Heartbeat: heartbeat16,
    StatusNotification: statusNotification16,
    Authorize: authorize16,
    StartTransaction: startTransaction16,
    StopTransaction: stopTransaction16,
    MeterValues: meterValues16,
    DataTransfer: dataTransfer16,
    DiagnosticsStatusNotification: acknowledge16,
    FirmwareStatusNotification: acknowledge16,
  },
  discover: discover16,
  setChargingProfile: setChargingProfile16,
  clearChargingProfile: clearChargingProfile16,
  getCompositeSchedule: getCompositeSchedule16,
};
