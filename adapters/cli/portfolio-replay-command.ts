/**
 * `v2g portfolio-replay [portfolio] [--out DIR] [--data-dir DIR]`
 *
 * Plans several sites behind one feeder limit twice over their whole replay (each alone, and coordinated
 * under the limit: scenarios/portfolio-replay.ts) and writes portfolio.json and feeder.csv into DIR (default
 * `out/<portfolio>`). The portfolio defaults to `generated-feeder` (needs no data directory). The run itself:
 * portfolio-replay-run.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import type { PortfolioReplayOptions } from './portfolio-replay-run.ts';
import { withInputErrors } from './scenario-command-support.ts';

/** Adds `portfolio-replay` to the program; `out` receives the summary lines. */
export function registerPortfolioReplayCommand(program: Command, out: (line: string) => void): void {
  const command = program
    .command('portfolio-replay')
    .description('plan several sites behind one feeder limit, alone and coordinated: writes portfolio.json and feeder.csv')
    .argument('[portfolio]', 'a portfolio scenario file, or the name of a shipped one (generated-feeder, belgian-feeder)', 'generated-feeder')
    .option('--out <dir>', 'output directory (default out/<portfolio>)')
    .option('--data-dir <dir>', 'data directory (default $V2G_DATA_DIR, else ../shared/data)');
  command.showHelpAfterError(false);
  command.action(async (portfolioArg: string, opts: PortfolioReplayOptions) =>
    withInputErrors(command, async () => (await import('./portfolio-replay-run.ts')).runPortfolioReplayCommand(portfolioArg, opts, out)),
  );
}
