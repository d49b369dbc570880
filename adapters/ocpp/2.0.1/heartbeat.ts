/**
 * OCPP 2.0.1 Heartbeat (charging station -> CSMS). Same in 2.1.
 *
 * Reads:  (nothing)
 * Writes: currentTime (RFC 3339 UTC)
 */
import { isoUtc } from '../clock.ts';
import type { InboundContext } from '../version-mapping.ts';

export async function heartbeat2x(ctx: InboundContext) {
  return { currentTime: isoUtc(ctx.nowUtcMs()) };
}
