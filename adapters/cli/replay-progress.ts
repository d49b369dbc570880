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

/** A bar labelled `label`, drawn only when `enabled` (default: standard error is a TTY). */
export function replayProgress(label: string, enabled = process.stderr.isTTY === true): ProgressReporter {
  if (!enabled) return quiet;
  const bar = new cliProgress.SingleBar(
    {
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
