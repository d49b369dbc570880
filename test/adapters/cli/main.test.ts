/**
 * The `v2g` command line through `main(argv, out, err)`: generate a depot, solve it with every solver,
 * and the exit codes and messages for bad input. Files live in a fresh temporary directory.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../adapters/cli/main.ts';
import { solverNames } from '../../../optimizer/optimize.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import { limits, type Problem, type Vehicle } from '../../../optimizer/problem.ts';
import { validateProblem } from '../../../optimizer/problem-validation.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'v2g-cli-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


interface Run {
  readonly code: number;
  /** What main() passed to its `out` callback. */
  readonly out: string;
  /** What main() passed to its `err` callback. */
  readonly err: string;
  /** `err` plus whatever went straight to process.stderr (should stay empty: commander's output goes through `err`). */
  readonly allErr: string;
}

async function v2g(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'v2g', ...args], (line) => out.push(line), (line) => err.push(line));
    return { code, out: out.join('\n'), err: err.join('\n'), allErr: [...err, ...stderr].join('\n') };
  } finally {
    spy.mockRestore();
  }
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

describe('v2g generate', () => {
  it('writes a valid problem, the same as generateDepot for the seed', async () => {
    const file = join(dir, 'generated.json');
    const run = await v2g('generate', '--vehicles', '5', '--seed', '3', '--out', file);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`wrote ${file}: 5 vehicles x 96 slots`);
    const problem = await readJson<unknown>(file);
    const checked = validateProblem(problem);
    expect(checked.ok ? [] : checked.issues).toEqual([]);
    expect(problem).toEqual(generateDepot({ vehicles: 5, seed: 3 }));
  });

  it('prints the problem without --out', async () => {
    const run = await v2g('generate', '--vehicles', '2', '--slots', '8', '--seed', '1');
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toEqual(generateDepot({ vehicles: 2, slots: 8, seed: 1 }));
  });

  it('refuses to write a depot that `v2g solve` would refuse (more slots than a problem may have)', async () => {
    const file = join(dir, 'too-long.json');
    const run = await v2g('generate', '--vehicles', '2', '--slots', String(limits.maxSlots + 1), '--out', file);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`  /slotCount: must be <= ${limits.maxSlots}`);
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['no --vehicles', []],
    ['--vehicles 0', ['--vehicles', '0']],
    ['--vehicles x', ['--vehicles', 'x']],
    ['--seed 1.5', ['--vehicles', '2', '--seed', '1.5']],
  ])('refuses %s with a non-zero exit code and a message', async (_name, args) => {
    const run = await v2g('generate', ...args);
    expect(run.code).not.toBe(0);
    expect(run.allErr).toMatch(/--vehicles|--seed/);
  });
});

describe('v2g solve', () => {
  let depotFile: string;
  let tinyFile: string;

  beforeAll(async () => {
    depotFile = join(dir, 'depot.json');
    tinyFile = join(dir, 'tiny.json');
    expect((await v2g('generate', '--vehicles', '5', '--seed', '3', '--out', depotFile)).code).toBe(0);
    // javascript-lp-solver is a dense tableau: it gets a 3-vehicle, 8-slot depot.
    expect((await v2g('generate', '--vehicles', '3', '--slots', '8', '--seed', '3', '--out', tinyFile)).code).toBe(0);
  });

  it.each(solverNames)('--solver %s: exit 0, a summary, and a plan file that validates', async (solver) => {
    const problemFile = solver === 'lp-solver' ? tinyFile : depotFile;
    const planFile = join(dir, `plan-${solver}.json`);
    const run = await v2g('solve', problemFile, '--solver', solver, '--out', planFile);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/^status {2,}(optimal|feasible)/m);
    expect(run.out).toContain(`plan written to ${planFile}`);
    const problem = await readJson<Problem>(problemFile);
    const plan = await readJson<Plan>(planFile);
    expect(validatePlan(problem, plan)).toEqual([]);
    expect(plan.stats.backend).toBe(solver);
    expect(run.out).toContain(`${plan.stats.backend}:`);
  });

  it('--min-current milp solves the minimum current exactly (optimal, no worse than the repair); a bad strategy is refused', async () => {
    const small = join(dir, 'depot-min-current.json');
    expect((await v2g('generate', '--vehicles', '4', '--slots', '16', '--seed', '5', '--out', small)).code).toBe(0);
    const problem = await readJson<Problem>(small);
    expect(problem.vehicles.some((v) => v.acLimit?.minCurrentA !== undefined)).toBe(true);
    const milpFile = join(dir, 'plan-milp.json');
    const repairFile = join(dir, 'plan-repair.json');
    const milp = await v2g('solve', small, '--min-current', 'milp', '--out', milpFile);
    expect(milp.code, milp.err).toBe(0);
    expect(milp.out).toMatch(/^status {2,}optimal/m);
    expect((await v2g('solve', small, '--out', repairFile)).code).toBe(0);
    const [a, b] = [await readJson<Plan>(milpFile), await readJson<Plan>(repairFile)];
    expect(validatePlan(problem, a)).toEqual([]);
    expect(a.cost.objective).toBeLessThanOrEqual(b.cost.objective + 1e-6 * Math.max(1, Math.abs(b.cost.objective)));
    const bad = await v2g('solve', small, '--min-current', 'round');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--min-current must be repair or milp, got "round"');
  });

  it('a time limit that runs out: exit 3, the status says so, and the fallback plan written validates', async () => {
    const bigFile = join(dir, 'depot-300.json');
    expect((await v2g('generate', '--vehicles', '300', '--seed', '2', '--out', bigFile)).code).toBe(0);
    const planFile = join(dir, 'plan-timed-out.json');
    const run = await v2g('solve', bigFile, '--time-limit', '1', '--out', planFile);
    expect(run.code, run.out + run.err).toBe(3);
    // Either the solve saw its own limit, or (worker start-up on a loaded machine) the pool's watchdog ended it:
    // both say the limit and name the fallback plan returned.
    expect(run.out).toMatch(/^status {2,}timed_out \((time limit of 1 ms reached|solve overran its 1 ms time limit by [\d.]+ ms; worker terminated); fallback plan: /m);
    expect(validatePlan(await readJson<Problem>(bigFile), await readJson<Plan>(planFile))).toEqual([]);
  });

  it('prints a summary without --out', async () => {
    const run = await v2g('solve', depotFile, '--solver', 'price-greedy');
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('status');
    expect(run.out).toContain('net cost');
    expect(run.out).not.toContain('plan written');
  });

  it('an unknown --solver: non-zero exit, and the message names every valid solver', async () => {
    const run = await v2g('solve', depotFile, '--solver', 'gurobi');
    expect(run.code).not.toBe(0);
    expect(run.allErr).toContain('unknown solver "gurobi"');
    for (const name of solverNames) expect(run.allErr).toContain(name);
  });

    // Regression: output settings were applied after the subcommands existed, so option errors bypassed `err`.
  it('option errors of a subcommand reach the err callback', async () => {
    const run = await v2g('solve', depotFile, '--solver', 'gurobi');
    expect(run.err).toContain('unknown solver "gurobi"');
  });

  it('a file that is not JSON: exit 2, says so', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"slotCount": 4, "vehicles": [');
    const run = await v2g('solve', file);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${file} is not valid JSON`);
  });

  it('a missing file: exit 2, says so', async () => {
    const run = await v2g('solve', join(dir, 'no-such-file.json'));
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/cannot read .*no-such-file\.json: ENOENT/);
  });

  it('a problem with a negative capacity (and more): exit 2, every issue path printed', async () => {
    const problem = generateDepot({ vehicles: 3, slots: 8, seed: 1 });
    const bad = {
      ...problem,
      slotHours: 0,
      vehicles: [{ ...problem.vehicles[0]!, capacityKwh: -40 }, problem.vehicles[1]!, { ...problem.vehicles[2]!, brand: 'x' }],
    };
    const file = join(dir, 'negative-capacity.json');
    await writeFile(file, JSON.stringify(bad));
    const run = await v2g('solve', file, '--out', join(dir, 'never.json'));
    expect(run.code).toBe(2);
    expect(run.err).toContain('3 issue(s)');
    for (const path of ['/slotHours', '/vehicles/0/capacityKwh', '/vehicles/2/brand']) expect(run.err).toContain(`  ${path}: `);
    expect(run.out).toBe('');
  });

  it('every fault the issue names at once: exit 2, one error listing each path, no stack trace, no plan', async () => {
    const problem = generateDepot({ vehicles: 5, slots: 8, seed: 1 });
    const [a, b, c, d, e] = problem.vehicles as [Vehicle, Vehicle, Vehicle, Vehicle, Vehicle];
    const bad = {
      ...problem,
      importPricePerKwh: problem.importPricePerKwh.map((x, t) => (t === 2 ? null : x)), // null (NaN has no JSON)
      baseLoadKw: [1, 2, 3], // wrong length
      pvKw: problem.pvKw!.map((x, t) => (t === 1 ? 1e300 : x)), // a huge number
      tariff: 'flat', // unknown field
      vehicles: [
        { ...a, capacityKwh: -40 }, // negative capacity
        { ...b, arrivalSlot: 5, departureSlot: 3 }, // departure before arrival
        { ...c, targetEnergyKwh: c.capacityKwh + 1 }, // target above capacity
        { ...d, energyKwh: '12' }, // a string for a number
        { ...e, maxChargeKw: [11, 11] }, // per-slot array of the wrong length
      ],
    };
    const file = join(dir, 'every-fault.json');
    await writeFile(file, JSON.stringify(bad));
    const run = await v2g('solve', file, '--out', join(dir, 'never-written.json'));
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err.match(/is not a valid problem/g)).toHaveLength(1);
    expect(run.err).toContain('(9 issue(s))');
    for (const path of [
      '/importPricePerKwh/2',
      '/baseLoadKw',
      '/pvKw/1',
      '/tariff',
      '/vehicles/0/capacityKwh',
      '/vehicles/1/departureSlot',
      '/vehicles/2/targetEnergyKwh',
      '/vehicles/3/energyKwh',
      '/vehicles/4/maxChargeKw',
    ]) {
      expect(run.err).toContain(`  ${path}: `);
    }
    expect(run.allErr).not.toMatch(/^\s+at /m);
    await expect(readFile(join(dir, 'never-written.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('a rule violation (departure before arrival): exit 2 with its path', async () => {
    const problem = generateDepot({ vehicles: 2, slots: 8, seed: 1 });
    const bad = { ...problem, vehicles: [{ ...problem.vehicles[0]!, arrivalSlot: 5, departureSlot: 3 }, problem.vehicles[1]!] };
    const file = join(dir, 'departure.json');
    await writeFile(file, JSON.stringify(bad));
    const run = await v2g('solve', file);
    expect(run.code).toBe(2);
    expect(run.err).toContain('  /vehicles/0/departureSlot: must be after arrivalSlot (5)');
  });

  // main() keeps its exit code per call (process.exitCode is left to bin/v2g.mjs): a failed command never
  // leaks into the next one in the same process.
  it('one failed command does not fail the next one', async () => {
    const problem = generateDepot({ vehicles: 2, slots: 8, seed: 1 });
    const file = join(dir, 'huge-base-load.json');
    await writeFile(file, JSON.stringify({ ...problem, baseLoadKw: problem.baseLoadKw!.map(() => 1e25) }));
    const failed = await v2g('solve', file);
    expect(failed.code).toBe(2);
    expect(failed.err).toMatch(/\/baseLoadKw: entries 0-7: must be <= 1000000/); // once, with the slot range
    const next = await v2g('generate', '--vehicles', '1', '--out', join(dir, 'after.json'));
    expect(next.code).toBe(0);
  });
});
