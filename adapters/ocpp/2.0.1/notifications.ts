/**
 * OCPP 2.0.1 messages we only acknowledge (charging station -> CSMS). Same in 2.1.
 *
 * NotifyEVChargingSchedule      reads: nothing; writes: status = Accepted
 * DataTransfer                  reads: vendorId; writes: status = UnknownVendorId
 * NotifyChargingLimit, ClearedChargingLimit, ReportChargingProfiles, NotifyReport, NotifyEvent,
 * SecurityEventNotification, FirmwareStatusNotification, LogStatusNotification
 *                               reads: nothing; writes: {} (empty response)
 */

export async function acceptStatus2x() {
  return { status: 'Accepted' };
}

export async function dataTransfer2x() {
  return { status: 'UnknownVendorId' };
}

export async function acknowledge2x() {
  return {};
}
