/**
 * OCPP 1.6 DataTransfer and the notifications we only acknowledge (charge point -> CSMS).
 *
 * DataTransfer            reads: vendorId; writes: status = UnknownVendorId (no vendor extensions)
 * DiagnosticsStatusNotification, FirmwareStatusNotification
 *                         reads: nothing; writes: {} (empty confirmation)
 */

export async function dataTransfer16() {
  return { status: 'UnknownVendorId' };
}

export async function acknowledge16() {
  return {};
}
