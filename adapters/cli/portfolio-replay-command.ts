/**
 * `v2g portfolio-replay [portfolio] [--out DIR] [--data-dir DIR] [--coordination price-loop|site-columns|aggregate-first]`
 *
 * Plans several sites behind one feeder limit twice over their whole replay (each alone, and coordinated
 * under the limit: scenarios/portfolio-replay.ts) and writes portfolio.json and feeder.csv into DIR (default
 * `out/<portfolio>`). The portfolio defaults to `generated-feeder` (needs no data directory). The run itself:
 * portfolio-replay-run.ts, loaded when the command runs.
 */
import { Option, type Command } from 'commander';
import type { ReplayCoordination } from '../../scenarios/portfolio-replay.ts';
import type { PortfolioReplayOptions } from './portfolio-replay-run.ts';
import { withInputErrors } from './scenario-command-support.ts';

/** scenarios/portfolio-replay.ts `replayCoordinations`, listed here so the CLI's start does not load the optimizer (a test checks they agree). */
export const coordinations: readonly ReplayCoordination[] = ['price-loop', 'site-columns', 'aggregate-first'];

/** Adds `portfolio-replay` to the program; `out` receives the summary lines. */
export function registerPortfolioReplayCommand(program: Command, out: (line: string) => void): void {
  const command = program
    .command('portfolio-replay')
    .description('plan several sites behind one feeder limit, alone and coordinated: writes portfolio.json and feeder.csv')
    .argument('[portfolio]', 'a portfolio scenario file, or the name of a shipped one (generated-feeder, belgian-feeder)', 'generated-feeder')
    .option('--out <dir>', 'output directory (default out/<portfolio>)')
    .option('--data-dir <dir>', 'data directory (default $V2G_DATA_DIR, else ../shared/data)')
    .addOption(new Option('--coordination <name>', 'the coordinator: price-loop (feeder prices by subgradient steps), site-columns (Dantzig-Wolfe over whole-site plans, the service\'s default in sessions 8 to 15) or aggregate-first (the default, as the service\'s since session 16: one LP of the sites\' relaxations, then one round of site solves; the smallest certified gap measured on both shipped portfolios, bench/RESULTS.md)').choices([...coordinations]).default('aggregate-first'));
  command.showHelpAfterError(false);
  command.action(async (portfolioArg: string, opts: PortfolioReplayOptions) =>
    withInputErrors(command, async () => (await import('./portfolio-replay-run.ts')).runPortfolioReplayCommand(portfolioArg, opts, out)),
  );
}
