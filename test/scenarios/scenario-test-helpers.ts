/**
 * Helpers for the scenario tests: shipped scenarios, the generated demo with overrides, one in-process HiGHS
 * backend, and real-data scenarios read from the shared data directory (through test/grid/grid-test-data.ts:
 * skipped locally when a file is missing, failing under CI=true).
 */
import type { SiteNetwork } from '../../grid/site-network.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import { readScenario, scenarioDataFiles } from '../../scenarios/scenario-parse.ts';
import type { Scenario } from '../../scenarios/scenario-schema.ts';
import { readRealData, realDataMissingLocally } from '../grid/grid-test-data.ts';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The raw JSON of a shipped scenario. */
export function shippedJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(repo, 'scenarios/shipped', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

/** A shipped scenario, validated. */
export function shipped(name: string): Scenario {
  return readScenario(shippedJson(name), name);
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && b !== null && typeof b === 'object' && !Array.isArray(b) ? merge(b, v as never) : v;
  }
  return out as T;
}

/** The generated demo scenario with a deep patch (validated again). */
export function demoScenario(patch?: DeepPartial<Scenario>): Scenario {
  return readScenario(merge(shippedJson('generated-demo'), patch as never), 'the patched demo');
}

/** Replay inputs of the generated demo (no data files). */
export function demoInputs(patch?: DeepPartial<Scenario>, seed?: number): ReplayInputs {
  return loadReplayInputs(demoScenario(patch), new Map(), seed !== undefined ? { seed } : {});
}

let backend: Promise<LpBackend> | undefined;

/** One HiGHS backend for the whole test file. */
export function highsBackend(): Promise<LpBackend> {
  backend ??= loadHighs().then(createHighsBackend);
  return backend;
}

/** A fake clock: every call is `stepMs` later. */
export function steppingClock(stepMs = 1): () => number {
  let t = 0;
  return () => (t += stepMs);
}

/** Whether a real-data scenario must be skipped here (its files are missing and CI is not set). */
export function realScenarioMissingLocally(name: string): boolean {
  return scenarioDataFiles(shipped(name)).some((f) => realDataMissingLocally(f.path));
}

/** Replay inputs of a real-data shipped scenario (throws when a file is missing, so CI fails). */
export function realInputs(name: string, patch?: (s: Scenario) => Scenario): ReplayInputs {
  const s = patch ? patch(shipped(name)) : shipped(name);
  const texts = new Map(scenarioDataFiles(s).map((f) => [f.path, readRealData(f.path)]));
  return loadReplayInputs(s, texts);
}

/**
 * The demo depot's chargers on a 400/230 V three-phase network: the four 11 kW chargers single-phase (two on L1,
 * one each on L2 and L3), the four 16 A three-phase chargers balanced, a 63 A panel over the 11 kW ones, and
 * a transformer of `ratingKva`.
 */
export function demoNetwork(ratingKva: number): SiteNetwork {
  return {
    groups: [
      { id: 'L1', connection: 'AN', voltageV: 230, chargerIds: ['dc-01', 'dc-02'] },
      { id: 'L2', connection: 'BN', voltageV: 230, chargerIds: ['dc-03'] },
      { id: 'L3', connection: 'CN', voltageV: 230, chargerIds: ['dc-04'] },
      { id: '3ph', connection: 'ABC', voltageV: 230, chargerIds: ['ac-01', 'ac-02', 'ac-03', 'ac-04'] },
    ],
    breakers: [{ id: 'dc-panel', maxCurrentA: 63, chargerIds: ['dc-01', 'dc-02', 'dc-03', 'dc-04'] }],
    transformer: { ratingKva, secondaryVoltageV: 230, primary: { winding: 'delta', turnsRatio: 26, voltageV: 6000 } },
  };
}

/**
 * Vehicles for a regulariser property on a T-slot problem: stay i is `[from, len, preset]` (arriving at `from`,
 * capped to the last slot, staying `len` slots), 10 -> 20 kWh of a 60 kWh battery at 11 kW; with `preset` it
 * carries a small rising charge preference (0.001 per slot) the regulariser must keep.
 */
export function stayVehicles(stays: readonly (readonly [number, number, boolean])[], slotCount: number): Problem['vehicles'] {
  return stays.map(([from, len, preset], i) => {
    const arrivalSlot = Math.min(from, slotCount - 1);
    return {
      id: `v${i}`,
      chargerId: `c${i}`,
      arrivalSlot,
      departureSlot: arrivalSlot + len,
      energyKwh: 10,
      capacityKwh: 60,
      targetEnergyKwh: 20,
      maxChargeKw: 11,
      ...(preset ? { chargePreferencePerKwh: Array.from({ length: slotCount }, (_, t) => 0.001 * t) } : {}),
    };
  });
}
