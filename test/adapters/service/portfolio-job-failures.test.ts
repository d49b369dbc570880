/**
 * A portfolio coordination that fails for good answers its pending dispatches `failed`, whatever failed it
 * (adapters/service/portfolio-plan-worker.ts `watchPortfolioJobFailures`): BullMQ giving up a stalled job never
 * reaches the processor's catch, and session 14's 200 x 500 run left its dispatch `pending` for ever that way.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import type { Job, QueueEvent } from '../../../adapters/queue/queue.ts';
import type { PortfolioJobData, PortfolioJobResult } from '../../../adapters/service/portfolio-job.ts';
import { watchPortfolioJobFailures } from '../../../adapters/service/portfolio-plan-worker.ts';
import { MemoryPortfolioRuns, type PortfolioDispatchRecord } from '../../../adapters/store/portfolio-runs.ts';

type Event = QueueEvent<PortfolioJobData, PortfolioJobResult>;
const t0 = Date.UTC(2026, 11, 7, 20);

function setup() {
  const runs = new MemoryPortfolioRuns();
  const clock = new ManualClock(t0);
  const listeners: ((e: Event) => void)[] = [];
  const errors: unknown[] = [];
  let handled: () => void = () => undefined;
  watchPortfolioJobFailures({ on: (l) => void listeners.push(l) }, runs, clock, (e) => errors.push(e), () => handled());
  const emit = async (e: Event) => {
    // The listener writes asynchronously: wait for its "handled" event (the write done, or nothing to do).
    const done = new Promise<void>((resolve) => (handled = resolve));
    for (const l of listeners) l(e);
    await done;
  };
  return { runs, clock, emit, errors };
}

const dispatch = (id: string, status: PortfolioDispatchRecord['status']): PortfolioDispatchRecord => ({
  id, portfolioId: 'feeder', kind: 'import-limit', powerKw: 100, startUtcMs: t0 + 3_600_000, endUtcMs: t0 + 7_200_000,
  status, requestedBy: 'test', createdAtUtcMs: t0, siteIds: ['a', 'b'], baseline: [],
});

const job = (): Job<PortfolioJobData, PortfolioJobResult> => ({ id: 'portfolio-feeder-1', name: 'portfolio-plan', data: { portfolioId: 'feeder', reasons: ['dispatch d1'] }, state: 'failed', attemptsMade: 1, attempts: 3, createdAtUtcMs: t0 } as Job<PortfolioJobData, PortfolioJobResult>);

describe('a portfolio job failed for good answers its pending dispatches', () => {
  it('a stalled job (BullMQ gave it up) fails the pending dispatches with V2G_ERR_PORTFOLIO_STALLED; others untouched', async () => {
    const { runs, emit, errors } = setup();
    await runs.putDispatch(dispatch('d1', 'pending'));
    await runs.putDispatch(dispatch('d0', 'planned'));
    const stalled = Object.assign(new Error('job stalled more than allowable limit'), { name: 'UnrecoverableError' });
    await emit({ type: 'failed', job: job(), error: stalled, willRetry: false });
    const d1 = await runs.getDispatch('feeder', 'd1');
    expect(d1).toMatchObject({ status: 'failed', failure: { code: 'V2G_ERR_PORTFOLIO_STALLED', atUtcMs: t0, message: expect.stringContaining('stopped renewing the job\'s lock') } });
    expect(d1!.failure!.message).toContain('portfolio-feeder-1');
    expect(await runs.getDispatch('feeder', 'd0')).toMatchObject({ status: 'planned' });
    expect(errors).toEqual([]);
  });

  it('a failure that will be retried leaves the dispatch pending', async () => {
    const { runs, emit } = setup();
    await runs.putDispatch(dispatch('d1', 'pending'));
    await emit({ type: 'failed', job: job(), error: new Error('solver busy'), willRetry: true });
    expect(await runs.getDispatch('feeder', 'd1')).toMatchObject({ status: 'pending' });
  });

  it('any other final failure keeps its own code', async () => {
    const { runs, emit } = setup();
    await runs.putDispatch(dispatch('d1', 'pending'));
    await emit({ type: 'failed', job: job(), error: Object.assign(new Error('site "a": the solver returned error'), { code: 'V2G_ERR_SOLVE_FAILED' }), willRetry: false });
    expect(await runs.getDispatch('feeder', 'd1')).toMatchObject({ status: 'failed', failure: { code: 'V2G_ERR_SOLVE_FAILED', message: 'site "a": the solver returned error' } });
  });
});
