/** Dispatch records and their acknowledgements on the wire. */
import type { Job } from '../../queue/queue.ts';
import type { DispatchRecord } from '../../store/records.ts';
import { wireInstant } from '../wire-time.ts';

export function dispatchView(d: DispatchRecord, zone: string, nowUtcMs: number, job?: Job<unknown, unknown>) {
  const ack = d.acknowledgement;
  const status: 'active' | 'cancelled' | 'expired' = d.status === 'active' && d.endUtcMs <= nowUtcMs ? 'expired' : d.status;
  return {
    id: d.id,
    siteId: d.siteId,
    kind: d.kind,
    powerKw: d.powerKw,
    start: wireInstant(d.startUtcMs, zone),
    end: wireInstant(d.endUtcMs, zone),
    ...(d.reference !== undefined ? { reference: d.reference } : {}),
    status,
    requestedBy: d.requestedBy,
    createdAt: wireInstant(d.createdAtUtcMs, zone),
    ...(d.cancelledAtUtcMs !== undefined ? { cancelledAt: wireInstant(d.cancelledAtUtcMs, zone) } : {}),
    acknowledgement: ack
      ? {
          state: 'acknowledged' as const,
          planId: ack.planId,
          acknowledgedAt: wireInstant(ack.acknowledgedAtUtcMs, zone),
          fulfilment: ack.fulfilment,
          message: ack.message,
          slots: ack.slots.map((s) => ({ start: wireInstant(s.startUtcMs, zone), end: wireInstant(s.endUtcMs, zone), requestedKw: s.requestedKw, plannedKw: s.plannedKw, met: s.met })),
          ...(ack.beyondHorizonFromUtcMs !== undefined ? { beyondHorizonFrom: wireInstant(ack.beyondHorizonFromUtcMs, zone) } : {}),
          shortfallKwh: ack.shortfallKwh,
        }
      : { state: 'pending' as const, message: 'the re-plan with this dispatch has not finished yet' },
    ...(job ? { job: { id: job.id, state: job.state, href: `/v1/jobs/${job.id}` } } : {}),
  };
}
