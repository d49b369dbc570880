/**
 * A progress bar for `v2g solve` on standard error (cli-progress): the share of the time budget used, the
 * solve's phase and round, the best plan's objective, the bound and the gap. Quiet when the stream is not a
 * terminal (pipes, CI, tests): then nothing is drawn at all.
 */
import cliProgress from 'cli-progress';
import type { SolveProgress } from '../../optimizer/solve-progress.ts';
import type { ProgressStream } from './replay-progress.ts';

/** Receives solve progress; `stop` ends the bar. */
export interface SolveProgressReporter {
  update(progress: SolveProgress): void;
  stop(): void;
}

const quiet: SolveProgressReporter = { update: () => undefined, stop: () => undefined };

const fixed = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));

/** The bar's fields for one event (exported for tests: what a terminal would show). */
export function solveProgressFields(p: SolveProgress) {
  return {
    phase: p.phase,
    round: p.round,
    best: fixed(p.bestObjective, 2),
    bound: fixed(p.bound, 2),
    gap: p.gapPct === undefined ? '-' : `${p.gapPct.toFixed(3)} %`,
    elapsed: (p.elapsedMs / 1000).toFixed(1),
    limit: (p.timeLimitMs / 1000).toFixed(0),
  };
}

/** A bar on `stream` (default standard error), drawn only when `stream` is a terminal. */
export function solveProgressBar(stream: ProgressStream = process.stderr): SolveProgressReporter {
  if (stream.isTTY !== true) return quiet;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'solve [{bar}] {elapsed}/{limit} s | {phase} round {round} | best {best} | bound {bound} | gap {gap}',
      hideCursor: true,
      clearOnComplete: false,
      synchronousUpdate: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const fields = solveProgressFields(p);
      const value = Math.min(1000, Math.round((1000 * p.elapsedMs) / Math.max(1, p.timeLimitMs)));
      if (!started) {
        bar.start(1000, value, fields);
        started = true;
      } else bar.update(value, fields);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
