/**
 * Rolling runs of a `capacity` sweep whose capacity bound no decision, kept on disk (`<out>/rolling-runs/`), one
 * JSON file per scenario, seed, policy and capacity, so any worker process replays them at the capacities above:
 * scenarios/capacity-slack.ts.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedRun } from '../../scenarios/capacity-slack.ts';
import type { PolicyName } from '../../scenarios/policy-names.ts';

const prefix = (scenarioName: string, seed: number, policy: PolicyName) => `${scenarioName.replace(/[^a-z0-9-]+/gi, '_')}--seed${seed}--${policy}--`;

/** Empties (or creates) the store at the start of a sweep: runs of an earlier sweep are never reused. */
export function resetRollingRunStore(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** The kept run of the highest capacity below `capacity` (undefined: none). */
export function readLowerRollingRun(dir: string, scenarioName: string, seed: number, policy: PolicyName, capacity: number): RecordedRun | undefined {
  const p = prefix(scenarioName, seed, policy);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(p) && n.endsWith('.json'));
  } catch {
    return undefined;
  }
  const below = names.map((n) => ({ n, c: Number(n.slice(p.length, -'.json'.length)) })).filter((x) => Number.isFinite(x.c) && x.c < capacity);
  if (below.length === 0) return undefined;
  const best = below.reduce((a, b) => (b.c > a.c ? b : a));
  return JSON.parse(readFileSync(path.join(dir, best.n), 'utf8')) as RecordedRun;
}

/** Keeps a run (written before the run is reported, so the runs waiting on it find it). */
export function writeRollingRun(dir: string, scenarioName: string, seed: number, run: RecordedRun): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${prefix(scenarioName, seed, run.policy)}${run.capacity}.json`), JSON.stringify(run));
}
