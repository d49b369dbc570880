/**
 * OCPP 1.6 Heartbeat (charge point -> CSMS).
 *
 * Reads:  (nothing)
 * Writes: currentTime (RFC 3339 UTC)
 */
import { isoUtc } from '../clock.ts';
import type { InboundContext } from '../version-mapping.ts';

export async function heartbeat16(ctx: InboundContext) {
  return { currentTime: isoUtc(ctx.nowUtcMs()) };
}
