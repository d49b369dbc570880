/**
 * Offline plans of a `capacity` sweep kept on disk (`<out>/offline-plans/`), one JSON file per scenario, seed and
 * capacity, so a fresh worker process (workers retire after a month LP) can reuse them: scenarios/offline-reuse.ts.
 * `--offline-rows chained` (default) keeps one per fresh solve (`writeOfflinePlan`); `independent` one per scenario
 * and seed, the reference (scenarios/offline-canonical.ts, `referencePlanPath`).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StoredOfflinePlan } from '../../scenarios/offline-reuse.ts';

const prefix = (scenarioName: string, seed: number) => `${scenarioName.replace(/[^a-z0-9-]+/gi, '_')}--seed${seed}--`;

/** Empties (or creates) the store at the start of a sweep: plans of an earlier sweep are never reused. */
export function resetOfflinePlanStore(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** The file of the reference plan of a scenario and seed (it exists once the reference is solved). */
export const referencePlanPath = (dir: string, scenarioName: string, seed: number): string => path.join(dir, `${prefix(scenarioName, seed)}reference.json`);

/** The reference plan of a scenario and seed, if kept. */
export function readReferencePlan(dir: string, scenarioName: string, seed: number): StoredOfflinePlan | undefined {
  try {
    return JSON.parse(readFileSync(referencePlanPath(dir, scenarioName, seed), 'utf8')) as StoredOfflinePlan;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Keeps the reference plan (written whole under another name, then renamed: a reader never sees half a file). */
export function writeReferencePlan(dir: string, scenarioName: string, seed: number, plan: StoredOfflinePlan): void {
  mkdirSync(dir, { recursive: true });
  const target = referencePlanPath(dir, scenarioName, seed);
  writeFileSync(`${target}.partial`, JSON.stringify(plan));
  renameSync(`${target}.partial`, target);
}

/** Every plan kept for a scenario and seed. */
export function readOfflinePlans(dir: string, scenarioName: string, seed: number): StoredOfflinePlan[] {
  const p = prefix(scenarioName, seed);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(p) && n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8')) as StoredOfflinePlan);
}

/** Keeps a plan (written before the run is reported, so the runs waiting on it find it). */
export function writeOfflinePlan(dir: string, scenarioName: string, seed: number, plan: StoredOfflinePlan): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${prefix(scenarioName, seed)}${plan.capacity}.json`), JSON.stringify(plan));
}
