/**
 * OCPP 1.6 StatusNotification (charge point -> CSMS).
 *
 * Reads:  connectorId (0 = the charge point), status, errorCode, timestamp (optional; else now)
 * Writes: {} (empty confirmation)
 */
import { parseUtcMs } from '../clock.ts';
import { requireNonNegativeId } from '../inbound-violation.ts';
import type { InboundContext } from '../version-mapping.ts';

export interface StatusNotificationReq16 {
  connectorId: number;
  errorCode: string;
  status: string;
  timestamp?: string;
}

export async function statusNotification16(ctx: InboundContext, req: StatusNotificationReq16) {
  requireNonNegativeId('connectorId', req.connectorId);
  await ctx.connectorStatus({
    evseId: req.connectorId,
    connectorId: req.connectorId,
    status: req.status,
    errorCode: req.errorCode,
    atUtcMs: parseUtcMs(req.timestamp) ?? ctx.nowUtcMs(),
  });
  return {};
}
