/**
 * The `v2g` command line (commander). Composition root for the CLI: the only place here that reads
 * files, writes files and sets the exit code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { formatIssues, validateProblem } from '../../optimizer/problem-validation.ts';
import { isSolverName, optimize, solverNames, type SolverName } from '../../optimizer/optimize.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import type { IntegerStrategy } from '../../optimizer/solve-problem.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { problemJsonSchemaText } from '../../optimizer/problem-json-schema.ts';
import { formatPlanSummary } from './plan-summary.ts';
import { registerStartCommand } from './start-command.ts';
import { registerRoleCommands } from './role-commands.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerCompareCommand } from './compare-command.ts';
import { registerSimChargersCommand } from './sim-chargers-command.ts';

/** Thrown for bad input; `main` prints it and exits 2. */
class CliInputError extends Error {}

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

function integerStrategy(value: string): IntegerStrategy {
  if (value !== 'repair' && value !== 'milp') throw new InvalidArgumentError(`--min-current must be repair or milp, got "${value}"`);
  return value;
}

async function readProblemFile(path: string) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliInputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const checked = validateProblem(json);
  if (!checked.ok) {
    throw new CliInputError(`${path} is not a valid problem (${checked.issues.length} issue(s)):\n${formatIssues(checked.issues)}`);
  }
  return checked.problem;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
  } catch (error) {
    throw new CliInputError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Exit status of the command that ran, set by actions that finish with a failure they already reported. */
export interface RunState {
  exitCode: number;
}

export function buildProgram(
  out: (line: string) => void,
  err: (line: string) => void = console.error,
  state: RunState = { exitCode: 0 },
): Command {
  const program = new Command('v2g')
    .description('V2G smart-charging optimizer: least-cost charge/discharge plans for EV fleets')
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) })
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
    .action(async (opts: { vehicles: number; slots: number; seed: number; minCurrent: boolean; out?: string }) => {
      const problem = generateDepot({ vehicles: opts.vehicles, slots: opts.slots, seed: opts.seed, minimumCurrent: opts.minCurrent });
      // Never write a file that `v2g solve` would refuse (too many slots or vehicle-slots, limits past the schema's).
      const checked = validateProblem(problem);
      if (!checked.ok) {
        throw new CliInputError(
          `--vehicles ${opts.vehicles} x --slots ${opts.slots} gives a problem \`v2g solve\` refuses (${checked.issues.length} issue(s)):\n${formatIssues(checked.issues)}`,
        );
      }
      if (opts.out) {
        await writeJson(opts.out, problem);
        out(`wrote ${opts.out}: ${problem.vehicles.length} vehicles x ${problem.slotCount} slots`);
      } else out(JSON.stringify(problem, null, 2));
    });

  program
    .command('solve')
    .description('solve a problem file and print a summary')
    .argument('<problem.json>', 'problem file (see optimizer/problem.schema.json)')
    .option('--solver <name>', `one of ${solverNames.join(', ')}`, solverName, 'highs')
    .option('--out <file>', 'write the plan (JSON) here')
    .option('--time-limit <ms>', 'time limit for the solve (ms)', positiveInt('--time-limit'), 60_000)
    .option('--min-current <strategy>', 'minimum current on LP backends: repair (LP + repair rounds, fast) or milp (exact, lazy integer variables)', integerStrategy, 'repair')
    .action(async (file: string, opts: { solver: SolverName; out?: string; timeLimit: number; minCurrent: IntegerStrategy }) => {
      const problem = await readProblemFile(file);
      const pool = new SolverPool({ size: 1 });
      try {
        const plan = await optimize(problem, { solver: opts.solver, pool, timeLimitMs: opts.timeLimit, integerStrategy: opts.minCurrent });
        out(formatPlanSummary(plan, `${problem.name ?? file}`, problem));
        if (opts.out) {
          await writeJson(opts.out, plan);
          out(`\nplan written to ${opts.out}`);
        }
        // 1: no plan from the solver (the fallback is written); 3: time limit hit (the fallback is written).
        if (plan.status === 'error') state.exitCode = 1;
        else if (plan.status === 'timed_out') state.exitCode = 3;
      } finally {
        await pool.close();
      }
    });

  program
    .command('schema')
    .description('print the JSON Schema of a problem file (optimizer/problem.schema.json)')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (opts: { out?: string }) => {
      const text = problemJsonSchemaText();
      if (!opts.out) {
        out(text.trimEnd());
        return;
      }
      try {
        await writeFile(opts.out, text);
      } catch (error) {
        throw new CliInputError(`cannot write ${opts.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    });

  program
    .command('demo')
    .description('solve a generated 50-vehicle depot with HiGHS and with uncontrolled charging, and print both')
    .option('--vehicles <n>', 'number of vehicles', positiveInt('--vehicles'), 50)
    .option('--seed <s>', 'random seed', integer('--seed'), 1)
    .action(async (opts: { vehicles: number; seed: number }) => {
      const problem = generateDepot({ vehicles: opts.vehicles, seed: opts.seed });
      const pool = new SolverPool({ size: 1 });
      try {
        const optimal = await optimize(problem, { solver: 'highs', pool });
        const uncontrolled = await optimize(problem, { solver: 'uncontrolled' });
        out(formatPlanSummary(optimal, `== ${problem.name}: optimized (HiGHS) ==`));
        out('');
        out(formatPlanSummary(uncontrolled, '== the same depot, uncontrolled charging =='));
        const saved = uncontrolled.cost.netCost - optimal.cost.netCost;
        out(`\noptimized vs uncontrolled: ${saved.toFixed(2)} ${optimal.currency} less net cost, ` +
          `peak ${optimal.site.peakImportKw.toFixed(1)} kW vs ${uncontrolled.site.peakImportKw.toFixed(1)} kW`);
      } finally {
        await pool.close();
      }
    });
  registerReplayCommand(program, out);
  registerCompareCommand(program, out);
  registerStartCommand(program, out);
  registerRoleCommands(program, out);
  registerSimChargersCommand(program, out);
  return program;
}

/** Runs the CLI; returns the exit code (never touches `process.exitCode` itself: bin/v2g.mjs does). */
export async function main(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const state: RunState = { exitCode: 0 };
  const program = buildProgram(out, err, state);
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CliInputError) {
      err(`v2g: ${error.message}`);
      return 2;
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
