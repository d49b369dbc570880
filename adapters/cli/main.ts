/**
 * The `v2g` command line (commander). Composition root for the CLI: the only place here that reads
 * files, writes files and sets the exit code.
 *
 * Start-up cost: this module and the `register*Command` modules define commands, options and help only;
 * each command's action loads its own modules (`await import(...)`) when it runs, so `v2g --help` or
 * `v2g --version` loads commander and little else (bench/cli-startup-bench.ts measures it).
 */
import { Command, InvalidArgumentError } from 'commander';
import { isSolverName, solverNames, type SolverName } from '../../optimizer/solver-names.ts';
import { engineNames, isEngineName, type EngineName } from '../../optimizer/engine.ts';
import type { IntegerStrategy } from '../../optimizer/solve-problem.ts';
import { packageVersion } from '../package-root.ts';
import { CliInputError } from './cli-input-error.ts';
import type { DemoOptions, GenerateOptions, RunState, SchemaOptions, SolveOptions } from './problem-commands.ts';
import { registerStartCommand } from './start-command.ts';
import { registerRoleCommands } from './role-commands.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerCompareCommand } from './compare-command.ts';
import { registerSimChargersCommand } from './sim-chargers-command.ts';
import { registerSweepCommand } from './sweep-command.ts';
import { registerShardWorkerCommand } from './shard-worker-command.ts';
import { defaultShardQueue } from './shard-defaults.ts';
import { registerPortfolioReplayCommand } from './portfolio-replay-command.ts';

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    return n;
  };
}

function solverName(value: string): SolverName {
  if (!isSolverName(value)) throw new InvalidArgumentError(`unknown solver "${value}"; one of ${solverNames.join(', ')}`);
  return value;
}

function engineName(value: string): EngineName {
  if (!isEngineName(value)) throw new InvalidArgumentError(`--engine must be one of ${engineNames.join(', ')}, got "${value}"`);
  return value;
}

function shardsWhere(value: string): 'local' | 'bullmq' {
  if (value !== 'local' && value !== 'bullmq') throw new InvalidArgumentError(`--shards must be local or bullmq, got "${value}"`);
  return value;
}

function queueList(value: string): string[] {
  const names = value.split(',').map((q) => q.trim());
  if (names.some((q) => q === '')) throw new InvalidArgumentError(`--shard-queues must be comma-separated queue names, got "${value}"`);
  return names;
}

function integerStrategy(value: string): IntegerStrategy {
  if (value !== 'repair' && value !== 'milp') throw new InvalidArgumentError(`--min-current must be repair or milp, got "${value}"`);
  return value;
}

export type { RunState } from './problem-commands.ts';

/** What an embedding caller (a test) may pass besides the argument vector and the output lines. */
export interface MainOptions {
  /**
   * Ends a command that otherwise runs until a signal (`sim-chargers`), as SIGINT would: a caller that is not the
   * process itself stops it when what it waited for happened, not after a guessed wall-clock duration.
   */
  readonly stop?: AbortSignal;
}

export function buildProgram(
  out: (line: string) => void,
  err: (line: string) => void = console.error,
  state: RunState = { exitCode: 0 },
  options: MainOptions = {},
): Command {
  const program = new Command('v2g')
    .description('V2G smart-charging optimizer: least-cost charge/discharge plans for EV fleets')
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) })
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  // Subcommands inherit these settings only when created after them (commander copies them on .command()).

  program
    .command('generate')
    .description('write a realistic random depot problem (JSON, the format `v2g solve` reads)')
    .requiredOption('--vehicles <n>', 'number of vehicles', positiveInt('--vehicles'))
    .option('--slots <n>', 'number of 15-minute slots', positiveInt('--slots'), 96)
    .option('--seed <s>', 'random seed', integer('--seed'), 1)
    .option('--no-min-current', 'no 6 A minimum current on AC chargers (a pure LP)')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (opts: GenerateOptions) => (await import('./problem-commands.ts')).generate(opts, out));

  program
    .command('solve')
    .description('solve a problem file and print a summary')
    .argument('<problem.json>', 'problem file (see optimizer/problem.schema.json)')
    .option('--solver <name>', `one of ${solverNames.join(', ')}`, solverName, 'highs')
    .option('--out <file>', 'write the plan (JSON) here')
    .option('--time-limit <ms>', 'time limit for the solve (ms)', positiveInt('--time-limit'), 60_000)
    .option('--min-current <strategy>', 'minimum current on LP backends: repair (LP + repair rounds, fast) or milp (exact, lazy integer variables)', integerStrategy, 'repair')
    .option('--engine <engine>', 'with --solver highs: auto (by size), monolithic (one LP) or decomposition (prices, certified gap)', engineName, 'auto')
    .option('--shards <where>', 'where the decomposition prices its shards: local (this process, worker threads) or bullmq (shard worker processes on REDIS_URL, started with `v2g shard-worker`; implies --engine decomposition)', shardsWhere, 'local')
    .option('--shard-queues <names>', 'with --shards bullmq: comma-separated shard queues, one shard each, each served by a `v2g shard-worker --queue <name>`', queueList, [defaultShardQueue])
    .action(async (file: string, opts: SolveOptions) => (await import('./problem-commands.ts')).solve(file, opts, out, state));

  program
    .command('schema')
    .description('print the JSON Schema of a problem file (optimizer/problem.schema.json)')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (opts: SchemaOptions) => (await import('./problem-commands.ts')).schema(opts, out));

  program
    .command('demo')
    .description('solve a generated 50-vehicle depot with HiGHS and with uncontrolled charging, and print both')
    .option('--vehicles <n>', 'number of vehicles', positiveInt('--vehicles'), 50)
    .option('--seed <s>', 'random seed', integer('--seed'), 1)
    .action(async (opts: DemoOptions) => (await import('./problem-commands.ts')).demo(opts, out));
  registerReplayCommand(program, out);
  registerCompareCommand(program, out);
  registerStartCommand(program, out);
  registerRoleCommands(program, out);
  registerSimChargersCommand(program, out, options.stop);
  registerSweepCommand(program, out, state);
  registerShardWorkerCommand(program, out, err);
  registerPortfolioReplayCommand(program, out);
  return program;
}

/** Runs the CLI; returns the exit code (never touches `process.exitCode` itself: bin/v2g.mjs does). */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
  options: MainOptions = {},
): Promise<number> {
  const state: RunState = { exitCode: 0 };
  const program = buildProgram(out, err, state, options);
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CliInputError) {
      err(`v2g: ${error.message}`);
      return error.exitCode;
    }
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code?.startsWith('commander.')) {
      const exitCode = (error as { exitCode?: number }).exitCode ?? 2;
      return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : exitCode === 1 ? 2 : exitCode;
    }
    err(`v2g: unexpected error: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}
