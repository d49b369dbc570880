/**
 * Progress of long solves: the worker's events reach the caller through the solver pool (phase, round,
 * best plan, bound, gap), and `v2g solve` draws them as a bar on a terminal, not one byte otherwise.
 */
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { solveProgressBar } from '../../../adapters/cli/solve-progress-bar.ts';
import type { SolveProgress } from '../../../optimizer/solve-progress.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

function recordingStream(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns: 160, text: () => chunks.join('') });
}

const events: SolveProgress[] = [
  { phase: 'lp', round: 1, elapsedMs: 1200, timeLimitMs: 60_000, bestObjective: 1234.5, bound: 1200, gapPct: 2.875 },
  { phase: 'repair', round: 4, elapsedMs: 2500, timeLimitMs: 60_000, bestObjective: 1200.25, bound: 1200, gapPct: 0.0208 },
];

describe('the solve progress bar', () => {
  it('shows phase, round, best plan, bound and gap on a terminal', () => {
    const tty = recordingStream(true);
    const bar = solveProgressBar(tty);
    for (const e of events) bar.update(e);
    bar.stop();
    expect(tty.text()).toContain('repair round 4 | best 1200.25 | bound 1200.00 | gap 0.021 %');
    expect(tty.text()).toContain('2.5/60 s');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const pipe = recordingStream(false);
    const bar = solveProgressBar(pipe);
    for (const e of events) bar.update(e);
    bar.stop();
    expect(pipe.text()).toBe('');
  });
});

describe('progress through the solver pool', () => {
  const pool = new SolverPool({ size: 1 });
  afterAll(() => pool.close());

  it('the worker reports every phase up to done; the last event matches the plan', async () => {
    const seen: SolveProgress[] = [];
    const depot = generateDepot({ vehicles: 12, slots: 48, seed: 4 });
    const plan = await pool.solve(depot, 'highs', {}, (p) => seen.push(p));
    expect(seen.map((e) => e.phase)).toEqual(expect.arrayContaining(['build', 'incumbents', 'done']));
    const last = seen.at(-1)!;
    expect(last.phase).toBe('done');
    expect(last.bestObjective).toBeCloseTo(plan.cost.objective, 9);
    expect(last.bound).toBe(plan.stats.relaxationObjective);
    expect(last.round).toBe(plan.stats.rounds);
  });
});
