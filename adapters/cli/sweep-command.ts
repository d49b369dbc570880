/**
 * `v2g sweep [scenarios...] --param capacity --values 10:125:5 [--policies ...] [--seeds 1,2,3] [--workers N]
 * [--out DIR] [--data-dir DIR] [--offline-rows chained|independent]`
 *
 * Replays every scenario at every value of one parameter, under every policy and seed, in parallel worker
 * processes (`v2g sweep-worker`, hidden), and writes one table (sweep.csv, sweep.md: mean and spread over the
 * seeds; runs.csv: every run) and one report (sweep.html: each metric against the parameter, one line per
 * policy), every row saying how it was made. The run itself: sweep-run.ts; the worker: sweep-worker.ts.
 */
import type { Command } from 'commander';
import { defaultPolicyNames } from '../../scenarios/policy-names.ts';
import type { RunState } from './problem-commands.ts';
import { withInputErrors } from './scenario-command-support.ts';
import type { SweepOptions } from './sweep-run.ts';

const defaultPolicies = defaultPolicyNames.join(',');

/** Adds `sweep` and its hidden worker to the program. */
export function registerSweepCommand(program: Command, out: (line: string) => void, state: RunState): void {
  const command = program
    .command('sweep')
    .description('replay scenarios over the values of one parameter x policies x seeds, in parallel; one table and one HTML report')
    .argument('[scenarios...]', 'scenario files, or names of shipped scenarios (each is a variant of the sweep)', ['generated-demo'])
    .option('--param <name>', 'capacity (kW: the network transformer kVA, else import limit and transformer), horizon (h), tariff (data file), slot-minutes, or a JSON Pointer into the scenario', 'capacity')
    .requiredOption('--values <list>', 'from:to:step (e.g. 10:125:5) or a comma list')
    .option('--policies <list>', 'comma-separated policies', defaultPolicies)
    .option('--seeds <list>', "seeds, e.g. 1,2,3 or 1:10:1 (default: the first scenario's)")
    .option('--workers <n>', 'worker processes (default: the available cores)')
    .option('--out <dir>', 'output directory (default out/sweep-<param>)')
    .option('--data-dir <dir>', 'data directory (default $V2G_DATA_DIR, else ../shared/data)')
    .option('--lp-backend <name>', 'LP solver: highs (WebAssembly, default) or clp (COIN-OR CLP, native: Debian package coinor-libclp1; its MILPs stay on HiGHS); default $V2G_LP_BACKEND, else highs')
    .option(
      '--offline-rows <rule>',
      "capacity sweep, offline rows: chained (default: from the largest capacity down, a row reuses or is warm-started from a higher capacity's solve, so it may depend on the other capacities in the list) or independent (each row from its own capacity alone: the scenario's own capacity solved cold once and reused where exact, else a cold solve; far more CPU on a network month: 106-133 CPU s per capacity at 10-20 kVA)",
    )
    .option('--no-rolling-reuse', 'capacity sweep: run every rolling policy afresh at every capacity (default: a run the capacity bound nowhere is replayed at the capacities above, labelled)');
  command.showHelpAfterError(false);
  command.action(async (scenarioArgs: string[], opts: SweepOptions) =>
    withInputErrors(command, async () => (await import('./sweep-run.ts')).runSweepCommand(scenarioArgs, opts, out, state)),
  );
  program
    .command('sweep-worker', { hidden: true })
    .description('a worker process of `v2g sweep` (started by it over IPC; not for direct use)')
    .action(async () => (await import('./sweep-worker.ts')).runSweepWorker());
}
