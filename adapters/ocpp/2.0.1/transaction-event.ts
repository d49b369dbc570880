/**
 * OCPP 2.0.1 TransactionEvent (charging station -> CSMS): opens, updates and closes sessions. Same
 * fields in 2.1.
 *
 * Reads:  eventType (Started | Updated | Ended), timestamp, transactionInfo.{transactionId,
 *         stoppedReason}, evse.{id, connectorId} (required on the first event only; later resolved from
 *         the transaction, or, for a transaction this process never saw start, from the port's store:
 *         `recoverTransactionEvse`), idToken.idToken, meterValue[] (see meter-values.ts)
 * Writes: idTokenInfo.status when idToken is given, else {}; on an Updated event of a running transaction the
 *         answer comes from transactionIdToken (a refused token ends the session's planning)
 * Refuses: evse.id or evse.connectorId < 1 -> CALLERROR PropertyConstraintViolation (nothing stored)
 * Then:   Started -> sessionStarted (+ the EVSE's plan goes out as a TxProfile); meter values ->
 *         sessionUpdated; Ended -> sessionEnded (the charger drops the TxProfile; never resent).
 */
import { parseUtcMs } from '../clock.ts';
import { requireOutletId } from '../inbound-violation.ts';
import type { InboundContext } from '../version-mapping.ts';
import { meterValueReadings2x, type MeterValue2x } from './meter-values.ts';

export interface TransactionEventReq2x {
  eventType: 'Started' | 'Updated' | 'Ended';
  timestamp: string;
  triggerReason: string;
  seqNo: number;
  transactionInfo: { transactionId: string; stoppedReason?: string; chargingState?: string };
  evse?: { id: number; connectorId?: number };
  idToken?: { idToken: string; type: string };
  meterValue?: MeterValue2x[];
}

export async function transactionEvent2x(ctx: InboundContext, req: TransactionEventReq2x) {
  if (req.evse) {
    requireOutletId('evse.id', req.evse.id);
    if (req.evse.connectorId !== undefined) requireOutletId('evse.connectorId', req.evse.connectorId);
  }
  const transactionId = req.transactionInfo.transactionId;
  const atUtcMs = parseUtcMs(req.timestamp) ?? ctx.nowUtcMs();
  const known = ctx.evseOfTransaction(transactionId);
  // A transaction this process never saw start (a gateway restart) and an event without evse: the store knows.
  const evseId = req.evse?.id ?? known ?? (req.eventType !== 'Started' ? await ctx.recoverTransactionEvse(transactionId) : undefined);
  const readings = meterValueReadings2x(req.meterValue ?? []);

  if ((req.eventType === 'Started' || (known === undefined && req.eventType === 'Updated')) && evseId !== undefined) {
    const startWh = readings.find((r) => r.energyRegisterWh !== undefined)?.energyRegisterWh;
    await ctx.transactionStarted({
      evseId,
      ...(req.evse?.connectorId !== undefined ? { connectorId: req.evse.connectorId } : {}),
      transactionId,
      startedUtcMs: atUtcMs,
      ...(startWh !== undefined ? { meterStartWh: startWh } : {}),
      ...(req.idToken ? { idTag: req.idToken.idToken } : {}),
    });
  }
  for (const r of readings) await ctx.meterReading({ evseId: evseId ?? 0, transactionId, ...r });
  if (req.eventType === 'Ended') {
    const stopWh = [...readings].reverse().find((r) => r.energyRegisterWh !== undefined)?.energyRegisterWh;
    await ctx.transactionEnded({
      ...(evseId !== undefined ? { evseId } : {}),
      transactionId,
      endedUtcMs: atUtcMs,
      ...(stopWh !== undefined ? { meterStopWh: stopWh } : {}),
      ...(req.transactionInfo.stoppedReason ? { reason: req.transactionInfo.stoppedReason } : {}),
    });
  }
  if (!req.idToken) return {};
  if (req.eventType === 'Updated' && known !== undefined) {
    return { idTokenInfo: { status: await ctx.transactionIdToken({ evseId: known, transactionId, idTag: req.idToken.idToken, atUtcMs }) } };
  }
  return { idTokenInfo: { status: await ctx.authorize(req.idToken.idToken) } };
}
