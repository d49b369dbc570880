/**
 * OCPP 1.6 StartTransaction (charge point -> CSMS): opens a session.
 *
 * Reads:  connectorId, idTag, meterStart (Wh), timestamp
 * Writes: transactionId (integer, assigned by us), idTagInfo.status
 * Refuses: connectorId < 1 or above NumberOfConnectors -> CALLERROR PropertyConstraintViolation (no session,
 *          no transaction id, the session on connector 1 untouched)
 * Then:   the session is reported (sessionStarted) and the EVSE's plan, if any, goes out as a TxProfile.
 */
import { parseUtcMs } from '../clock.ts';
import { requireOutletId } from '../inbound-violation.ts';
import type { InboundContext } from '../version-mapping.ts';

export interface StartTransactionReq16 {
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp: string;
  reservationId?: number;
}

export async function startTransaction16(ctx: InboundContext, req: StartTransactionReq16) {
  requireOutletId('connectorId', req.connectorId, ctx.connectorCount);
  const status = await ctx.authorize(req.idTag);
  const transactionId = ctx.allocateTransactionId();
  await ctx.transactionStarted({
    evseId: req.connectorId,
    connectorId: req.connectorId,
    transactionId: String(transactionId),
    startedUtcMs: parseUtcMs(req.timestamp) ?? ctx.nowUtcMs(),
    meterStartWh: req.meterStart,
    idTag: req.idTag,
  });
  return { transactionId, idTagInfo: { status } };
}
