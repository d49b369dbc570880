/** A portfolio dispatch on the wire, in the portfolio's zone. */
import { errorCodeInfo } from '../../errors.ts';
import type { Job } from '../../queue/queue.ts';
import type { PortfolioDispatchRecord } from '../../store/portfolio-runs.ts';
import { wireInstant } from '../wire-time.ts';

export function portfolioDispatchView(d: PortfolioDispatchRecord, zone: string, job?: Job<unknown, unknown>) {
  const at = (ms: number) => wireInstant(ms, zone);
  const baseline = new Map(d.baseline.map((b) => [b.startUtcMs, b.netImportKw]));
  const o = d.outcome;
  const fulfilment = d.status === 'failed' ? 'failed' : d.status === 'pending' ? 'pending' : (o?.fulfilment ?? 'pending');
  const message =
    d.status === 'failed'
      ? `the split failed (${d.failure?.code ?? 'error'}): ${d.failure?.message ?? ''}; nothing of it is planned or delivered${errorCodeInfo(d.failure?.code ?? '')?.retryable ? ' (the cause may pass: post the dispatch again)' : ''}`
      : d.status === 'cancelled'
        ? 'cancelled; the sites\' shares are cancelled and the sites re-planned'
        : (o?.message ?? 'waiting for the portfolio\'s coordination (a job on the portfolio queue)');
  return {
    id: d.id,
    portfolioId: d.portfolioId,
    kind: d.kind,
    powerKw: d.powerKw,
    start: at(d.startUtcMs),
    end: at(d.endUtcMs),
    ...(d.reference !== undefined ? { reference: d.reference } : {}),
    status: d.status,
    requestedBy: d.requestedBy,
    createdAt: at(d.createdAtUtcMs),
    siteIds: [...d.siteIds],
    fulfilment,
    message,
    slots: (o?.slots ?? []).map((s) => ({
      start: at(s.startUtcMs),
      end: at(s.endUtcMs),
      requestedKw: s.requestedKw,
      plannedKw: s.plannedKw,
      baselineNetImportKw: baseline.get(s.startUtcMs) ?? null,
      netImportLimitKw: s.netImportLimitKw,
      plannedNetImportKw: s.plannedNetImportKw,
      met: s.met,
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      sites: s.sites.map((x) => ({ ...x })),
    })),
    siteDispatches: (o?.siteDispatches ?? []).map((s) => ({
      siteId: s.siteId,
      dispatchId: s.dispatchId,
      kind: s.kind,
      powerKw: s.powerKw,
      start: at(s.startUtcMs),
      end: at(s.endUtcMs),
      href: `/v1/sites/${s.siteId}/dispatches/${s.dispatchId}`,
    })),
    sitesWithoutShare: [...(o?.sitesWithoutShare ?? [])],
    ...(o ? { portfolioPlanId: o.portfolioPlanId, ...(o.planHowMade !== undefined ? { planHowMade: o.planHowMade } : {}) } : {}),
    ...(d.failure ? { failure: { code: d.failure.code, message: d.failure.message, at: at(d.failure.atUtcMs), retryable: errorCodeInfo(d.failure.code)?.retryable ?? false } } : {}),
    resplits: [...(d.resplits ?? [])],
    ...(job ? { job: { id: job.id, state: job.state, href: `/v1/portfolios/${d.portfolioId}/dispatches/${d.id}` } } : {}),
  };
}
