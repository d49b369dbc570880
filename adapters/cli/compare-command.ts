/**
 * `v2g compare [scenario] [--policies mpc,uncontrolled,edf,...] [--seed S] [--out DIR] [--data-dir DIR] [--full]`
 *
 * Replays the scenario under each policy, with the offline optimum as the reference row, prints the KPI
 * table and writes compare.json, compare.csv and compare.md into DIR (default
 * `out/<scenario>-compare-seed<S>`); with `--full`, each run's own outputs too (DIR/<policy>/...). The run
 * itself: compare-run.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import { defaultPolicyNames } from '../../scenarios/policy-names.ts';
import type { CompareOptions } from './compare-run.ts';
import { integerOption, withInputErrors } from './scenario-command-support.ts';

const defaultPolicies = defaultPolicyNames.filter((p) => p !== 'offline').join(',');

/** Adds `compare` to the program; `out` receives the table. */
export function registerCompareCommand(program: Command, out: (line: string) => void): void {
  const command = program
    .command('compare')
    .description('replay a scenario under several policies side by side, the offline optimum as the reference row')
    .argument('[scenario]', 'a scenario file, or the name of a shipped scenario', 'generated-demo')
    .option('--policies <list>', 'comma-separated policies', defaultPolicies)
    .option('--seed <s>', "seed of every random draw (default: the scenario's)", integerOption('--seed'))
    .option('--out <dir>', 'output directory (default out/<scenario>-compare-seed<seed>)')
    .option('--data-dir <dir>', 'data directory (default $V2G_DATA_DIR, else ../shared/data)')
    .option('--lp-backend <name>', 'LP solver: highs (WebAssembly, default) or clp (COIN-OR CLP, native: Debian package coinor-libclp1; its MILPs stay on HiGHS); default $V2G_LP_BACKEND, else highs')
    .option('--full', "also write each run's run.json, CSV files and report.html (DIR/<policy>/)", false);
  command.showHelpAfterError(false);
  command.action(async (scenarioArg: string, opts: CompareOptions) =>
    withInputErrors(command, async () => (await import('./compare-run.ts')).runCompareCommand(scenarioArg, opts, out)),
  );
}
