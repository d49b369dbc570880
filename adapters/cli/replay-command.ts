/**
 * `v2g replay [scenario] [--policy P] [--seed S] [--out DIR] [--data-dir DIR] [--no-gap]`
 *
 * Replays one scenario under one policy and writes run.json, timeseries.csv, sessions.csv and report.html
 * into DIR (default `out/<scenario>-<policy>-seed<S>`). The scenario defaults to the generated demo. Unless `--no-gap`, the offline optimum is replayed
 * too, for the gap KPI. A progress bar is drawn on standard error when it is a terminal. The run itself:
 * replay-run.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import type { ReplayOptions } from './replay-run.ts';
import { integerOption, withInputErrors } from './scenario-command-support.ts';

/** Adds `replay` to the program; `out` receives the summary lines. */
export function registerReplayCommand(program: Command, out: (line: string) => void): void {
  const command = program
    .command('replay')
    .description('replay a scenario under one policy: writes run.json, timeseries.csv, sessions.csv and report.html')
    .argument('[scenario]', 'a scenario file, or the name of a shipped scenario (generated-demo, caltech-week, caltech-month, caltech-2019-03-aggregate, caltech-2019-03-network, belgian-depot-v2g, belgian-depot-no-v2g)', 'generated-demo')
    .option('--policy <name>', "mpc, offline, uncontrolled, alap, edf, llf, round-robin or price-greedy (default: the scenario's)")
    .option('--seed <s>', "seed of every random draw (default: the scenario's)", integerOption('--seed'))
    .option('--out <dir>', 'output directory (default out/<scenario>-<policy>-seed<seed>)')
    .option('--data-dir <dir>', 'data directory (default $V2G_DATA_DIR, else ../shared/data)')
    .option('--lp-backend <name>', 'LP solver: highs (WebAssembly, default) or clp (COIN-OR CLP, native: Debian package coinor-libclp1; its MILPs stay on HiGHS); default $V2G_LP_BACKEND, else highs')
    .option('--no-gap', 'do not replay the offline optimum (no gap KPI)');
  command.showHelpAfterError(false);
  command.action(async (scenarioArg: string, opts: ReplayOptions) =>
    withInputErrors(command, async () => (await import('./replay-run.ts')).runReplayCommand(scenarioArg, opts, out)),
  );
}
