/**
 * What `replay` and `compare` share: option parsers, loading HiGHS once in-process, the run metadata, and
 * turning coded input errors (scenario or grid) into a commander error (message on standard error, exit
 * code 2) instead of an "unexpected error".
 */
import { type Command, InvalidArgumentError } from 'commander';
import { GridInputError } from '../../grid/errors.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import type { Scenario } from '../../scenarios/scenario-schema.ts';
import type { SolverSetup } from '../../scenarios/policies.ts';

/** A commander parser for an integer option. */
export function integerOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    return n;
  };
}

/**
 * HiGHS (WebAssembly) in this process, its version, and the current size of its WebAssembly heap (bytes; it only
 * grows; undefined when the runtime's memory was not found). Loaded on first use: `v2g --help` never loads it.
 */
export async function loadHighsBackend(): Promise<{ backend: LpBackend; version: string; heapBytes: () => number | undefined }> {
  const [{ loadHighs, highsMemory }, { createHighsBackend }] = await Promise.all([
    import('../../optimizer/backends/highs-loader.ts'),
    import('../../optimizer/backends/highs-backend.ts'),
  ]);
  const highs = await loadHighs();
  const memory = highsMemory(highs);
  return { backend: createHighsBackend(highs), version: highs.version.string, heapBytes: () => memory?.buffer.byteLength };
}

/** The solver setup of a scenario's policy options. */
export function solverSetup(scenario: Scenario, backend: LpBackend): SolverSetup {
  const p = scenario.policy;
  return {
    backend,
    options: {
      ...(p.integerStrategy !== undefined ? { integerStrategy: p.integerStrategy } : {}),
      ...(p.timeLimitMs !== undefined ? { timeLimitMs: p.timeLimitMs } : {}),
    },
    ...(p.offlineTimeLimitMs !== undefined ? { offlineTimeLimitMs: p.offlineTimeLimitMs } : {}),
    ...(p.offlineWorkLimit !== undefined ? { offlineWorkLimit: p.offlineWorkLimit } : {}),
    ...(p.offlineIntegerStrategy !== undefined ? { offlineIntegerStrategy: p.offlineIntegerStrategy } : {}),
  };
}

/**
 * Runs a command action; a `ScenarioError` or `GridInputError` becomes `command.error` with exit code 2
 * (commander prints it through the program's error output). Other errors propagate.
 */
export async function withInputErrors(command: Command, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof GridInputError) {
      command.error(`v2g: ${e.message}`, { exitCode: 2, code: `commander.${e.code}` });
    }
    throw e;
  }
}

/** Milliseconds for timing decisions. */
export const wallClock = (): number => performance.now();
