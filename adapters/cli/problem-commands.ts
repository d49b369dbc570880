/**
 * The bodies of `v2g generate | solve | schema | demo` (main.ts defines their options and loads this module
 * only when one of them runs, so `v2g --help` never loads the optimizer).
 */
import type { EngineName } from '../../optimizer/engine.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { OptimizerError } from '../../optimizer/errors.ts';
import { optimize, type SolverName } from '../../optimizer/optimize.ts';
import { problemJsonSchemaText } from '../../optimizer/problem-json-schema.ts';
import { formatIssues, validateProblem } from '../../optimizer/problem-validation.ts';
import type { IntegerStrategy } from '../../optimizer/solve-problem.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { CliInputError } from './cli-input-error.ts';
import { formatPlanSummary } from './plan-summary.ts';
import { solveProgressBar } from './solve-progress-bar.ts';
import { redisForShards } from './shard-redis.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';

/** Exit status of the command that ran, set by actions that finish with a failure they already reported. */
export interface RunState {
  exitCode: number;
}

export interface GenerateOptions {
  vehicles: number;
  slots: number;
  seed: number;
  minCurrent: boolean;
  out?: string;
}

export interface SolveOptions {
  solver: SolverName;
  out?: string;
  timeLimit: number;
  minCurrent: IntegerStrategy;
  engine: EngineName;
  /** Where the decomposition prices its shards: this process, or BullMQ shard worker processes (`v2g shard-worker`). */
  shards: 'local' | 'bullmq';
  /** With `shards: 'bullmq'`: one shard per queue. */
  shardQueues: string[];
}

export interface SchemaOptions {
  out?: string;
}

export interface DemoOptions {
  vehicles: number;
  seed: number;
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

/** `v2g generate`. */
export async function generate(opts: GenerateOptions, out: (line: string) => void): Promise<void> {
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
}

/** `v2g solve`. */
export async function solve(file: string, opts: SolveOptions, out: (line: string) => void, state: RunState): Promise<void> {
  if (opts.shards === 'bullmq') {
    await solveOnShards(file, opts, out, state);
    return;
  }
  const problem = await readProblemFile(file);
  const pool = new SolverPool({ size: 1 });
  try {
    let plan;
    const bar = solveProgressBar();
    try {
      plan = await optimize(problem, { solver: opts.solver, pool, timeLimitMs: opts.timeLimit, integerStrategy: opts.minCurrent, onProgress: (p) => bar.update(p), engine: opts.engine });
    } catch (error) {
      if (error instanceof OptimizerError) throw new CliInputError(`${file}: ${error.message}`);
      throw error;
    } finally {
      bar.stop();
    }
    await report(file, problem, plan, opts, out, state);
  } finally {
    await pool.close();
  }
}

/** `v2g solve --shards bullmq`: this process coordinates, the shards run in `v2g shard-worker` processes. */
async function solveOnShards(file: string, opts: SolveOptions, out: (line: string) => void, state: RunState): Promise<void> {
  if (opts.solver !== 'highs') throw new CliInputError(`--shards bullmq decomposes with --solver highs, not ${opts.solver}`);
  if (opts.engine === 'monolithic') throw new CliInputError('--shards bullmq is the decomposition engine; it cannot run --engine monolithic');
  const { redisUrl, prefix } = redisForShards('v2g solve --shards bullmq');
  const problem = await readProblemFile(file);
  const { solveOnShardWorkers } = await import('../decomposition-flow/distributed-solve.ts');
  const bar = solveProgressBar();
  let plan;
  try {
    plan = await solveOnShardWorkers(problem, { redisUrl, prefix, shardQueues: opts.shardQueues, timeLimitMs: opts.timeLimit, onProgress: (p) => bar.update(p) });
  } catch (error) {
    const code = (error as { code?: string }).code;
    // No shard worker, a shard lost mid-solve, Redis unavailable: coded, said plainly, exit 69 (unavailable).
    if (code?.startsWith('V2G_ERR_')) throw new CliInputError(`${file}: ${(error as Error).message.startsWith(code) ? '' : `${code}: `}${(error as Error).message}`, 69);
    throw error;
  } finally {
    bar.stop();
  }
  await report(file, problem, plan, opts, out, state);
}

/** The summary, the plan file and the exit status of `v2g solve`. */
async function report(file: string, problem: Problem, plan: Plan, opts: SolveOptions, out: (line: string) => void, state: RunState): Promise<void> {
  out(formatPlanSummary(plan, `${problem.name ?? file}`, problem));
  if (opts.out) {
    await writeJson(opts.out, plan);
    out(`\nplan written to ${opts.out}`);
  }
  // 1: no plan from the solver (the fallback is written); 3: time limit hit (the fallback is written).
  if (plan.status === 'error') state.exitCode = 1;
  else if (plan.status === 'timed_out') state.exitCode = 3;
}

/** `v2g schema`. */
export async function schema(opts: SchemaOptions, out: (line: string) => void): Promise<void> {
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
}

/** `v2g demo`. */
export async function demo(opts: DemoOptions, out: (line: string) => void): Promise<void> {
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
}
