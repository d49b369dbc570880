/**
 * The rolling-run store of a capacity sweep: a run kept at one capacity is found from the capacities above it
 * (the highest below wins), never from other scenarios, seeds or policies, and a new sweep starts empty, so a run
 * made by an earlier sweep (e.g. before taper-aware planning) is never reused.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLowerRollingRun, resetRollingRunStore, writeRollingRun } from '../../../adapters/cli/rolling-run-store.ts';
import type { RecordedRun } from '../../../scenarios/capacity-slack.ts';

const dirs: string[] = [];
function storeDir(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'v2g-rolling-')), 'rolling-runs');
  dirs.push(path.dirname(dir));
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const run = (capacity: number, notes?: string[]): RecordedRun => ({ policy: 'mpc-events', capacity, decisions: [], ...(notes ? { notes } : {}) });

describe('rolling-run store', () => {
  it('reads the run of the highest capacity below the one asked, and nothing at or below the lowest kept', () => {
    const dir = storeDir();
    resetRollingRunStore(dir);
    for (const c of [10, 25, 40]) writeRollingRun(dir, 'caltech-2019-03-network', 1, run(c));
    expect(readLowerRollingRun(dir, 'caltech-2019-03-network', 1, 'mpc-events', 45)?.capacity).toBe(40);
    expect(readLowerRollingRun(dir, 'caltech-2019-03-network', 1, 'mpc-events', 40)?.capacity).toBe(25);
    expect(readLowerRollingRun(dir, 'caltech-2019-03-network', 1, 'mpc-events', 10)).toBeUndefined();
  });

  it('never reads a run of another scenario, seed or policy', () => {
    const dir = storeDir();
    resetRollingRunStore(dir);
    writeRollingRun(dir, 'caltech-2019-03-network', 1, run(10));
    expect(readLowerRollingRun(dir, 'caltech-2019-03-aggregate', 1, 'mpc-events', 50)).toBeUndefined();
    expect(readLowerRollingRun(dir, 'caltech-2019-03-network', 2, 'mpc-events', 50)).toBeUndefined();
    expect(readLowerRollingRun(dir, 'caltech-2019-03-network', 1, 'llf', 50)).toBeUndefined();
  });

  it('starts every sweep empty: a run kept by an earlier sweep is not reused', () => {
    const dir = storeDir();
    resetRollingRunStore(dir);
    writeRollingRun(dir, 'caltech-2019-03-network', 1, run(30, ['an earlier sweep']));
    expect(readLowerRollingRun(dir, 'caltech-2019-03-network', 1, 'mpc-events', 35)?.notes).toEqual(['an earlier sweep']);
    resetRollingRunStore(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    expect(readLowerRollingRun(dir, 'caltech-2019-03-network', 1, 'mpc-events', 35)).toBeUndefined();
  });

  it('reads nothing from a store that does not exist', () => {
    expect(readLowerRollingRun(path.join(storeDir(), 'missing'), 'caltech-2019-03-network', 1, 'mpc-events', 35)).toBeUndefined();
  });
});
