/**
 * OCPP 1.6 StopTransaction (charge point -> CSMS): closes a session.
 *
 * Reads:  transactionId, meterStop (Wh), timestamp, reason, idTag, transactionData[] (meter values,
 *         reported like MeterValues)
 * Writes: idTagInfo.status when idTag is given, else {}
 * Then:   the charger drops the TxProfile itself; we forget it and never resend it.
 */
import { parseUtcMs } from '../clock.ts';
import type { InboundContext } from '../version-mapping.ts';
import { meterValueReadings16, type MeterValue16 } from './meter-values.ts';

export interface StopTransactionReq16 {
  transactionId: number;
  meterStop: number;
  timestamp: string;
  reason?: string;
  idTag?: string;
  transactionData?: MeterValue16[];
}

export async function stopTransaction16(ctx: InboundContext, req: StopTransactionReq16) {
  const transactionId = String(req.transactionId);
  const evseId = ctx.evseOfTransaction(transactionId);
  for (const r of meterValueReadings16(req.transactionData ?? [])) {
    await ctx.meterReading({ evseId: evseId ?? 0, transactionId, ...r });
  }
  await ctx.transactionEnded({
    ...(evseId !== undefined ? { evseId } : {}),
    transactionId,
    endedUtcMs: parseUtcMs(req.timestamp) ?? ctx.nowUtcMs(),
    meterStopWh: req.meterStop,
    ...(req.reason !== undefined ? { reason: req.reason } : {}),
  });
  return req.idTag !== undefined ? { idTagInfo: { status: await ctx.authorize(req.idTag) } } : {};
}
