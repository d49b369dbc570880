/**
 * A progress bar for replays on standard error (cli-progress). Quiet when standard error is not a terminal
 * (pipes, CI, tests): then nothing is drawn at all.
 */
import cliProgress from 'cli-progress';
import type { ReplayProgress } from '../../scenarios/replay-engine.ts';

/** Receives replay progress; `stop` ends the bar. */
export interface ProgressReporter {
  update(progress: ReplayProgress): void;
  stop(): void;
}

const quiet: ProgressReporter = { update: () => undefined, stop: () => undefined };

/** Where the bar is drawn: standard error, or (in tests) any writable stream that says whether it is a terminal. */
export type ProgressStream = NodeJS.WritableStream & { readonly isTTY?: boolean };

/** A bar labelled `label` on `stream` (default standard error), drawn only when `stream` is a terminal. */
export function replayProgress(label: string, stream: ProgressStream = process.stderr): ProgressReporter {
  if (stream.isTTY !== true) return quiet;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | slot {value}/{total} | {decisions} decisions | {duration}s`,
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
      if (!started) {
        bar.start(p.slotCount, 0, { decisions: 0 });
        started = true;
      }
      bar.update(p.slot, { decisions: p.decisions });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
