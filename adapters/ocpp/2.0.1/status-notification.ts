/**
 * OCPP 2.0.1 StatusNotification (charging station -> CSMS). Same fields in 2.1.
 *
 * Reads:  timestamp, connectorStatus (Available | Occupied | Reserved | Unavailable | Faulted), evseId,
 *         connectorId
 * Writes: {} (empty response)
 */
import { parseUtcMs } from '../clock.ts';
import { requireNonNegativeId } from '../inbound-violation.ts';
import type { InboundContext } from '../version-mapping.ts';

export interface StatusNotificationReq2x {
  timestamp: string;
  connectorStatus: string;
  evseId: number;
  connectorId: number;
}

export async function statusNotification2x(ctx: InboundContext, req: StatusNotificationReq2x) {
  requireNonNegativeId('evseId', req.evseId);
  requireNonNegativeId('connectorId', req.connectorId);
  await ctx.connectorStatus({
    evseId: req.evseId,
    connectorId: req.connectorId,
    status: req.connectorStatus,
    atUtcMs: parseUtcMs(req.timestamp) ?? ctx.nowUtcMs(),
  });
  return {};
}
