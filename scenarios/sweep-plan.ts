/**
 * What a sweep runs: scenarios x values of one parameter x seeds x policies, as a list of independent replay
 * tasks (sweep-table.ts turns their results into the table; the CLI runs them in parallel).
 *
 * A parameter is a name or a JSON Pointer into the scenario file:
 * - `capacity` (kW): the transformer's `ratingKva` when the site has a three-phase network (its line current
 *   limits follow), else both `connectionImportKw` and `transformerRatingKw`;
 * - `horizon` (h): `horizonHours`, the MPC look-ahead;
 * - `tariff`: `data.prices.path`, a tariff or price file in the data directory;
 * - `slot-minutes`: `slotMinutes`;
 * - `/a/b/c`: any scenario field (a value that looks like a number is set as one).
 * Seeds are a dimension of their own (`--seeds`); the table gives mean and spread over them. Every changed
 * scenario is validated again (readScenario), so a value a scenario cannot take is refused with its field.
 */
import { capacityCheckable } from './capacity-slack.ts';
import { ScenarioError } from './errors.ts';
import type { PolicyName } from './policy-names.ts';
import { readScenario } from './scenario-parse.ts';
import type { Scenario } from './scenario-schema.ts';

/** The named parameters (anything else must be a JSON Pointer). */
export const sweepParameterNames = ['capacity', 'horizon', 'tariff', 'slot-minutes'] as const;

/** A parameter value: a number, or a text (a tariff file name, a pointer's string value). */
export type SweepValue = number | string;

/** One replay of a sweep. */
export interface SweepTask {
  /** Position in the task list (stable: the order of the table). */
  readonly index: number;
  /** The scenario's name (as in its file) before the parameter was applied. */
  readonly scenarioName: string;
  readonly value: SweepValue;
  readonly seed: number;
  readonly policy: PolicyName;
  /** The scenario with the value applied, validated. */
  readonly scenario: Scenario;
  /** An `offline` task of a `capacity` sweep: the rule that makes its row (`v2g sweep --offline-rows`). */
  readonly offlineRows?: OfflineRowRule;
  /** An `offline` task of a `capacity` sweep under `independent`: the reference solve its row may reuse (`offlineReferenceCapacity`). */
  readonly offlineReference?: OfflineReference;
}

/**
 * How a `capacity` sweep makes its offline rows (`v2g sweep --offline-rows`):
 * - `chained` (the default; sessions 8-12): the capacities of a scenario and seed from the largest down, one after
 *   another; a row reuses any higher capacity's plan where it is exact, else is solved starting from the nearest
 *   higher fresh solve's network rows and optimal basis (offline-reuse.ts). Cheap, but a row may depend on which
 *   other capacities the list holds (another optimal LP vertex, so another repaired plan within the stated gap);
 * - `independent` (issue 13, session 13: offline-canonical.ts): each row a function of its own capacity alone (the
 *   scenario's reference reused only where exact, else a cold solve), in parallel once the reference is kept; on
 *   the March 2019 network month each cold solve at 10-20 kVA costs 106-133 CPU s (bench/RESULTS.md, i13s).
 */
export type OfflineRowRule = 'chained' | 'independent';

/** Every rule, the default first. */
export const offlineRowRules: readonly OfflineRowRule[] = ['chained', 'independent'];

/** `--offline-rows` as a rule (undefined: the default, `chained`); `V2G_ERR_SCENARIO_FORMAT` naming it otherwise. */
export function parseOfflineRowRule(text: string | undefined): OfflineRowRule {
  if (text === undefined) return 'chained';
  const rule = offlineRowRules.find((r) => r === text);
  return rule ?? fail('--offline-rows', `"${text}" is not a rule of offline rows: ${offlineRowRules.join(' or ')}`);
}

/** What every output says about the rule that made an offline row (the solver column, the notes, the facts). */
export function offlineRowRuleLabel(rule: OfflineRowRule): string {
  return rule === 'chained'
    ? 'offline rows chained (--offline-rows chained, the default): a row may depend on the other capacities in the list (reused from, or warm-started from, a higher capacity)'
    : 'offline rows independent (--offline-rows independent): each row depends on its own capacity alone (the reference reused where exact, else solved cold)';
}

/**
 * The one solve a `capacity` sweep's offline rows may reuse: the scenario at its own capacity as written in its
 * file (`offlineReferenceCapacity`), solved cold. A function of the scenario and the seed alone, never of the
 * sweep's list of values, so every offline row is too (scenarios/offline-canonical.ts).
 */
export interface OfflineReference {
  /** kW, kVA on a network (the `capacity` parameter's unit). */
  readonly capacity: number;
  /** The scenario with `capacity` applied, validated. */
  readonly scenario: Scenario;
}

/**
 * The capacity of a scenario as written (the `capacity` parameter's unit): the transformer's `ratingKva` on a
 * three-phase network, else the lower of `connectionImportKw` and `transformerRatingKw`. Applying any capacity
 * at or below it only tightens limits.
 */
export function offlineReferenceCapacity(scenario: Scenario): number {
  const site = scenario.site;
  const transformer = site.network?.transformer;
  if (transformer !== undefined) return transformer.ratingKva;
  return Math.min(site.connectionImportKw, site.transformerRatingKw ?? Number.POSITIVE_INFINITY);
}

const fail = (path: string, message: string): never => {
  throw new ScenarioError('V2G_ERR_SCENARIO_FORMAT', 'The sweep is not usable', [{ path, message }]);
};

/** Whether `name` is a named parameter or a JSON Pointer (`V2G_ERR_SCENARIO_FORMAT` naming `--param` otherwise). */
export function requireSweepParameter(name: string): string {
  if ((sweepParameterNames as readonly string[]).includes(name) || /^(\/[^/]+)+$/.test(name)) return name;
  return fail('--param', `"${name}" is neither one of ${sweepParameterNames.join(', ')} nor a JSON Pointer such as /site/connectionImportKw`);
}

const numeric = (text: string): SweepValue => (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) ? Number(text) : text);

/**
 * `10:125:5` (from 10 to 125 in steps of 5, both ends included when reached) or a comma list (`1,2,4` or
 * `a.json,b.json`). At most 1,000 values.
 */
export function parseSweepValues(text: string, path = '--values'): SweepValue[] {
  const range = /^\s*(-?[\d.]+)\s*:\s*(-?[\d.]+)\s*:\s*([\d.]+)\s*$/.exec(text);
  if (range) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (![from, to, step].every(Number.isFinite) || step <= 0 || to < from) return fail(path, `"${text}" is not from:to:step with from <= to and step > 0`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > 1_000) return fail(path, `"${text}" gives ${count} values, more than 1000`);
    // Rounded to 1e-9 so that 0.1 steps do not print as 0.30000000000000004.
    return Array.from({ length: count }, (_, i) => Math.round((from + i * step) * 1e9) / 1e9);
  }
  const values = text.split(',').map((x) => x.trim()).filter((x) => x !== '').map(numeric);
  if (values.length === 0) return fail(path, `"${text}" names no value (e.g. 10:125:5 or 20,40,80)`);
  if (values.length > 1_000) return fail(path, `${values.length} values, more than 1000`);
  return [...new Set(values)];
}

/** Seeds from `1,2,3` or `1:10:1` (integers). */
export function parseSeeds(text: string): number[] {
  const seeds = parseSweepValues(text, '--seeds');
  for (const s of seeds) if (typeof s !== 'number' || !Number.isSafeInteger(s)) fail('--seeds', `"${String(s)}" is not an integer`);
  return seeds as number[];
}

type Json = Record<string, unknown>;
const clone = <T>(x: T): T => structuredClone(x);

function setPointer(root: Json, pointer: string, value: SweepValue): void {
  const keys = pointer.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const key of keys.slice(0, -1)) {
    const next = (node as Json)[key];
    if (next === null || typeof next !== 'object') fail('--param', `${pointer}: the scenario has no object at "${key}"`);
    node = next;
  }
  (node as Json)[keys[keys.length - 1]!] = value;
}

function numberValue(name: string, value: SweepValue): number {
  return typeof value === 'number' ? value : fail('--values', `${name} takes numbers, got "${value}"`);
}

/** The scenario with the parameter set to `value`, validated again (the error names the field). */
export function applySweepValue(scenario: Scenario, parameter: string, value: SweepValue): Scenario {
  const s = clone(scenario) as unknown as Json;
  const site = s.site as Json;
  switch (parameter) {
    case 'capacity': {
      const kw = numberValue(parameter, value);
      const network = site.network as Json | undefined;
      const transformer = network?.transformer as Json | undefined;
      if (transformer !== undefined) transformer.ratingKva = kw;
      else {
        site.connectionImportKw = kw;
        site.transformerRatingKw = kw;
      }
      break;
    }
    case 'horizon':
      s.horizonHours = numberValue(parameter, value);
      break;
    case 'slot-minutes':
      s.slotMinutes = numberValue(parameter, value);
      break;
    case 'tariff':
      (s.data as Json).prices = { ...((s.data as Json).prices as Json), path: String(value) };
      break;
    default:
      setPointer(s, requireSweepParameter(parameter), value);
  }
  return readScenario(s, `${scenario.name} with ${parameter} = ${String(value)}`);
}

/** Policies that cost the most first, so that a pool of workers is not left with one long run at the end. */
const weight = (p: PolicyName): number => (p === 'offline' ? 0 : p.startsWith('mpc') ? 1 : 2);

/**
 * Every task of the sweep, longest policies first within each scenario (`index` is the table order: scenario,
 * value, policy, seed). A `capacity` sweep's offline tasks carry `offlineRows` (and, under `independent`, their
 * reference).
 */
export function sweepTasks(
  scenarios: readonly Scenario[],
  parameter: string,
  values: readonly SweepValue[],
  seeds: readonly number[],
  policies: readonly PolicyName[],
  offlineRows: OfflineRowRule = 'chained',
): SweepTask[] {
  const tasks: SweepTask[] = [];
  const capacityOffline = parameter === 'capacity' && policies.includes('offline');
  for (const base of scenarios) {
    const capacity = offlineReferenceCapacity(base);
    const offlineReference = capacityOffline && offlineRows === 'independent' ? { capacity, scenario: applySweepValue(base, parameter, capacity) } : undefined;
    for (const value of values) {
      const scenario = applySweepValue(base, parameter, value);
      for (const policy of policies) {
        const reference = policy === 'offline' && capacityOffline ? { offlineRows, ...(offlineReference !== undefined ? { offlineReference } : {}) } : {};
        for (const seed of seeds) tasks.push({ index: tasks.length, scenarioName: base.name, value, seed, policy, scenario, ...reference });
      }
    }
  }
  return tasks;
}

/** The order in which to start the tasks: heavy policies first, then the table order. */
export function startOrder(tasks: readonly SweepTask[]): SweepTask[] {
  return [...tasks].sort((a, b) => weight(a.policy) - weight(b.policy) || a.index - b.index);
}

/** Tasks whose offline runs share one reference solve or form one chain of capacities (the same scenario and seed). */
const chainKey = (t: SweepTask) => `${t.scenarioName}\u0000${t.seed}`;
/** Tasks whose rolling runs form one chain of capacities (the same scenario, seed and policy). */
const rollingKey = (t: SweepTask) => `${chainKey(t)}\u0000${t.policy}`;

/** Whether an offline task's row may reuse its reference solve (`independent`; its capacity at or below the reference's). */
export const needsOfflineReference = (t: SweepTask): boolean => t.offlineReference !== undefined && Number(t.value) <= t.offlineReference.capacity;

/**
 * Takes from `pending` the first task that may start now, or undefined (nothing pending, or every pending
 * task waits). `offlineOrder` (a `capacity` sweep's offline rows, `OfflineRowRule`):
 * - `true` (`chained`, offline-reuse.ts): an offline run waits while an offline run of the same scenario and seed
 *   at a higher capacity is pending or running, so every offline run can reuse the plans of the capacities above;
 * - a function (`independent`, offline-canonical.ts): an offline run that may reuse its reference solve waits
 *   while that reference is not kept yet (the function false) and another offline run of the same scenario and
 *   seed, which is making it, is running: the reference is solved once, then the offline runs go in parallel;
 * - `false` or undefined: offline runs never wait.
 * With `rollingUpwards` (capacity-slack.ts), a checked rolling run waits while a run of the same scenario, seed and
 * policy at a lower capacity is pending (not running: the chain stays parallel, at the cost of at most one fresh
 * run per other worker above the first capacity the capacity bound nowhere), so the chain starts from its lowest
 * capacity up and a run can replay a lower capacity's run that the capacity bound nowhere.
 */
export function takeStartable(
  pending: SweepTask[],
  running: readonly SweepTask[],
  offlineOrder: boolean | ((t: SweepTask) => boolean) | undefined,
  rollingUpwards = false,
): SweepTask | undefined {
  const others = [...pending, ...running];
  const offlineWaits = (t: SweepTask) =>
    typeof offlineOrder === 'function'
      ? needsOfflineReference(t) && !offlineOrder(t) && running.some((o) => o.policy === 'offline' && chainKey(o) === chainKey(t) && needsOfflineReference(o))
      : offlineOrder === true && others.some((o) => o !== t && o.policy === 'offline' && chainKey(o) === chainKey(t) && Number(o.value) > Number(t.value));
  const waits = (t: SweepTask) =>
    t.policy === 'offline'
      ? offlineWaits(t)
      : rollingUpwards && capacityCheckable(t.policy) && pending.some((o) => o !== t && rollingKey(o) === rollingKey(t) && Number(o.value) < Number(t.value));
  const i = pending.findIndex((t) => !waits(t));
  return i < 0 ? undefined : pending.splice(i, 1)[0];
}
