/**
 * OCPP 2.0.1 BootNotification (charging station -> CSMS). Same fields in 2.1.
 *
 * Reads:  chargingStation.{vendorName, model, serialNumber, firmwareVersion}, reason (ignored)
 * Writes: status = Accepted, currentTime (RFC 3339 UTC), interval (heartbeat seconds)
 * Then:   the connection starts capability discovery (get-variables.ts).
 */
import { isoUtc } from '../clock.ts';
import type { InboundContext } from '../version-mapping.ts';

export interface BootNotificationReq2x {
  reason: string;
  chargingStation: { vendorName: string; model: string; serialNumber?: string; firmwareVersion?: string };
}

export async function bootNotification2x(ctx: InboundContext, req: BootNotificationReq2x) {
  const cs = req.chargingStation;
  await ctx.booted({
    vendor: cs.vendorName,
    model: cs.model,
    ...(cs.serialNumber !== undefined ? { serialNumber: cs.serialNumber } : {}),
    ...(cs.firmwareVersion !== undefined ? { firmwareVersion: cs.firmwareVersion } : {}),
  });
  return { status: 'Accepted', currentTime: isoUtc(ctx.nowUtcMs()), interval: ctx.heartbeatIntervalS };
}
