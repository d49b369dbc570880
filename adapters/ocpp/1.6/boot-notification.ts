/**
 * OCPP 1.6 BootNotification (charge point -> CSMS).
 *
 * Reads:  chargePointVendor, chargePointModel, chargePointSerialNumber (else chargeBoxSerialNumber),
 *         firmwareVersion
 * Writes: status = Accepted, currentTime (RFC 3339 UTC), interval (heartbeat seconds)
 * Then:   the connection starts capability discovery (get-configuration.ts).
 */
import { isoUtc } from '../clock.ts';
import type { InboundContext } from '../version-mapping.ts';

export interface BootNotificationReq16 {
  chargePointVendor: string;
  chargePointModel: string;
  chargePointSerialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
}

export async function bootNotification16(ctx: InboundContext, req: BootNotificationReq16) {
  const serialNumber = req.chargePointSerialNumber ?? req.chargeBoxSerialNumber;
  await ctx.booted({
    vendor: req.chargePointVendor,
    model: req.chargePointModel,
    ...(serialNumber !== undefined ? { serialNumber } : {}),
    ...(req.firmwareVersion !== undefined ? { firmwareVersion: req.firmwareVersion } : {}),
  });
  return { status: 'Accepted', currentTime: isoUtc(ctx.nowUtcMs()), interval: ctx.heartbeatIntervalS };
}
