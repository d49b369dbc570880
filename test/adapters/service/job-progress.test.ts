/**
 * A re-plan job shows its solve's progress (phase, round, best plan cost, bound, gap) on GET /v1/jobs/{id}
 * while it runs, and keeps the last one when it ends: embedded (in-memory queue) and on Redis (BullMQ job
 * progress). The solver is injected: it reports progress events, then waits for the test to let it finish
 * (no wall time involved), then makes the plan with the uncontrolled baseline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SolveProgress } from '../../../optimizer/solve-progress.ts';
import type { PlanSolver } from '../../../adapters/service/replan-worker.ts';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { aSession, aSite, baselineSolver, json, priceSeries } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';

const lpEvent: SolveProgress = { phase: 'repair', round: 3, elapsedMs: 40, timeLimitMs: 60_000, bestObjective: 12.5, bound: 12, gapPct: 4.1666 };
const doneEvent: SolveProgress = { phase: 'done', round: 4, elapsedMs: 55, timeLimitMs: 60_000, bestObjective: 12.1, bound: 12, gapPct: 0.8333 };

/** A solver that, once armed, reports `lpEvent`, announces it is running, and finishes only when released. */
function gatedSolver() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let announce!: () => void;
  const running = new Promise<void>((resolve) => (announce = resolve));
  const gate = { armed: false, running, release: () => release() };
  const solve: PlanSolver = async (problem, onProgress) => {
    if (!gate.armed) return baselineSolver(problem);
    onProgress?.({ phase: 'build', round: 0, elapsedMs: 0, timeLimitMs: 60_000 });
    onProgress?.(lpEvent);
    announce();
    await released;
    onProgress?.(doneEvent);
    return baselineSolver(problem);
  };
  return { ...gate, solve, arm: () => (gate.armed = true) };
}

/** GETs the job until `accept` holds (the progress store is asynchronous on Redis); at most `tries` reads. */
async function jobUntil(h: ModeHarness, href: string, accept: (job: any) => boolean, tries = 500): Promise<any> {
  let job: any;
  for (let i = 0; i < tries; i++) {
    job = json(await h.request('read', { method: 'GET', url: href }));
    if (accept(job)) return job;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return job;
}

function progressSuite(mode: ServiceMode) {
  let h: ModeHarness;
  const gate = gatedSolver();
  beforeAll(async () => {
    h = await createModeHarness(mode, gate.solve);
    const now = h.nowUtcMs();
    expect((await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() })).statusCode).toBe(201);
    expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(now - 3_600_000, 30) })).statusCode).toBe(200);
    const departure = new Date(now + 8 * 3_600_000).toISOString();
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ departure }) });
    expect(res.statusCode, res.body).toBe(201);
    await h.settle();
  });
  afterAll(() => h.close());

  it('while the solve runs the job shows phase, round, best plan cost, bound and gap; once done, the last event', async () => {
    gate.arm();
    const accepted = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize?wait=false' });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const href: string = json(accepted).job.href;
    await gate.running;
    const running = await jobUntil(h, href, (job) => job.progress?.phase === 'repair');
    expect(running.state).toBe('active');
    expect(running.progress).toEqual({ phase: 'repair', round: 3, elapsedMs: 40, timeLimitMs: 60_000, bestObjective: 12.5, bound: 12, gapPct: 4.1666 });
    gate.release();
    await h.settle();
    const done = await jobUntil(h, href, (job) => job.state === 'completed');
    expect(done.progress).toMatchObject({ phase: 'done', round: 4, bestObjective: 12.1, bound: 12, gapPct: 0.8333 });
    expect(done.planId).toMatch(/^plan-/);
  });
}

describe('job progress (embedded)', () => progressSuite('embedded'));
describeWithRedis('job progress (Redis, BullMQ job progress)', () => progressSuite('redis'));
