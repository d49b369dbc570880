/**
 * The sweep's plan: value lists and ranges, the named parameters and JSON Pointers applied to a scenario (and
 * validated again, naming the field), the task list and its start order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../scenarios/errors.ts';
import { applySweepValue, needsOfflineReference, offlineRowRuleLabel, parseOfflineRowRule, parseSeeds, parseSweepValues, requireSweepParameter, startOrder, sweepTasks, takeStartable, type SweepTask } from '../../scenarios/sweep-plan.ts';
import { demoScenario, shipped } from './scenario-test-helpers.ts';

function scenarioError(f: () => unknown): ScenarioError {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('no ScenarioError');
}

describe('parseSweepValues', () => {
  it('reads the capacity range of the Caltech experiment: 10 to 125 kW in 5 kW steps, 24 values', () => {
    const v = parseSweepValues('10:125:5');
    expect(v).toHaveLength(24);
    expect(v[0]).toBe(10);
    expect(v[23]).toBe(125);
  });

  it('includes both ends of any range it reaches, with no floating-point residue', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 9 }), (from, n, step10) => {
        const step = step10 / 10;
        const v = parseSweepValues(`${from}:${from + n * step}:${step}`) as number[];
        expect(v).toHaveLength(n + 1);
        for (const x of v) expect(String(x).length).toBeLessThan(12);
      }),
    );
  });

  it('reads comma lists of numbers and of names, without duplicates', () => {
    expect(parseSweepValues('20, 40,40,80')).toEqual([20, 40, 80]);
    expect(parseSweepValues('a.json,b.json')).toEqual(['a.json', 'b.json']);
  });

  it.each(['', ' , ', '10:5:1', '1:2:0', '0:100000:1'])('refuses %j naming --values', (text) => {
    expect(scenarioError(() => parseSweepValues(text)).issues[0]!.path).toBe('--values');
  });

  it('seeds must be integers', () => {
    expect(parseSeeds('1:3:1')).toEqual([1, 2, 3]);
    expect(scenarioError(() => parseSeeds('1.5')).issues[0]!.path).toBe('--seeds');
  });
});

describe('applySweepValue', () => {
  it('capacity without a network sets the connection import limit and the transformer rating', () => {
    const s = applySweepValue(demoScenario(), 'capacity', 35);
    expect(s.site.connectionImportKw).toBe(35);
    expect(s.site.transformerRatingKw).toBe(35);
  });

  it('capacity on the Caltech network sets the transformer rating (kVA) and leaves the connection alone', () => {
    const base = shipped('caltech-2019-03-network');
    const s = applySweepValue(base, 'capacity', 55);
    expect(s.site.network!.transformer!.ratingKva).toBe(55);
    expect(s.site.connectionImportKw).toBe(base.site.connectionImportKw);
    expect(base.site.network!.transformer!.ratingKva).toBe(150); // the input is not changed
  });

  it('horizon, slot-minutes, tariff and a JSON Pointer set their fields', () => {
    expect(applySweepValue(demoScenario(), 'horizon', 12).horizonHours).toBe(12);
    expect(applySweepValue(demoScenario(), 'slot-minutes', 30).slotMinutes).toBe(30);
    const caltech = shipped('caltech-2019-03-aggregate');
    expect(applySweepValue(caltech, 'tariff', 'pge_a10_tou_aug_2019.json').data.prices).toMatchObject({ kind: 'tou-tariff', path: 'pge_a10_tou_aug_2019.json' });
    expect(applySweepValue(demoScenario(), '/assumptions/v2gOptInShare', 0.25).assumptions.v2gOptInShare).toBe(0.25);
  });

  it('a value the scenario cannot take is refused naming the field', () => {
    const e = scenarioError(() => applySweepValue(demoScenario(), 'capacity', -5));
    expect(e.code).toBe('V2G_ERR_SCENARIO_FORMAT');
    expect(e.message).toContain('capacity = -5');
    expect(e.issues.map((i) => i.path)).toContain('/site/connectionImportKw');
    expect(scenarioError(() => applySweepValue(demoScenario(), 'horizon', 'long')).issues[0]!.path).toBe('--values');
    expect(scenarioError(() => applySweepValue(demoScenario(), '/nothing/here', 1)).issues[0]!.path).toBe('--param');
  });

  it('an unknown parameter name is refused naming --param', () => {
    expect(requireSweepParameter('capacity')).toBe('capacity');
    expect(requireSweepParameter('/site/connectionImportKw')).toBe('/site/connectionImportKw');
    expect(scenarioError(() => requireSweepParameter('capacty')).issues[0]!.path).toBe('--param');
  });
});

describe('sweepTasks', () => {
  it('is scenarios x values x policies x seeds, in table order, heavy policies started first', () => {
    const tasks = sweepTasks([demoScenario()], 'capacity', [40, 80], [1, 2, 3], ['edf', 'mpc', 'offline']);
    expect(tasks).toHaveLength(18);
    expect(tasks.map((t) => t.index)).toEqual([...tasks.keys()]);
    expect(tasks[0]).toMatchObject({ value: 40, policy: 'edf', seed: 1 });
    expect(tasks[0]!.scenario.site.connectionImportKw).toBe(40);
    expect(tasks[17]!.scenario.site.connectionImportKw).toBe(80);
    const order = startOrder(tasks).map((t) => t.policy);
    expect(order.slice(0, 6)).toEqual(Array(6).fill('offline'));
    expect(order.slice(6, 12)).toEqual(Array(6).fill('mpc'));
  });
});

describe('the rule of offline rows (--offline-rows)', () => {
  it('is chained by default, independent on request, and refuses anything else naming the option', () => {
    expect(parseOfflineRowRule(undefined)).toBe('chained');
    expect(parseOfflineRowRule('independent')).toBe('independent');
    const e = scenarioError(() => parseOfflineRowRule('cold'));
    expect(e.code).toBe('V2G_ERR_SCENARIO_FORMAT');
    expect(e.issues[0]!.path).toBe('--offline-rows');
    expect(offlineRowRuleLabel('chained')).toMatch(/may depend on the other capacities in the list/);
    expect(offlineRowRuleLabel('independent')).toMatch(/its own capacity alone/);
  });

  it("a capacity sweep's offline tasks carry the rule (chained by default, no reference); other parameters and policies none", () => {
    const chained = sweepTasks([demoScenario()], 'capacity', [40, 80], [1], ['edf', 'offline']);
    expect(chained.filter((t) => t.policy === 'offline').map((t) => [t.offlineRows, t.offlineReference])).toEqual([
      ['chained', undefined],
      ['chained', undefined],
    ]);
    expect(chained.find((t) => t.policy === 'edf')!.offlineRows).toBeUndefined();
    const independent = sweepTasks([demoScenario()], 'capacity', [40], [1], ['offline'], 'independent');
    expect(independent[0]!.offlineRows).toBe('independent');
    expect(sweepTasks([demoScenario()], 'horizon', [12], [1], ['offline'], 'independent')[0]!.offlineRows).toBeUndefined();
  });
});

describe('takeStartable', () => {
  // `--offline-rows independent` (offline-canonical.ts); `chained` (the default) below.
  const tasks = sweepTasks([demoScenario()], 'capacity', [40, 80, 120], [1, 2], ['edf', 'offline'], 'independent');
  const chainedTasks = sweepTasks([demoScenario()], 'capacity', [40, 80, 120], [1, 2], ['edf', 'offline']);

  /**
   * Runs `all` on a simulated pool of `workers`, finishing running tasks in the order `choices` picks; `onStart`
   * sees each task as it starts. Returns the finished tasks (the pool must never stall).
   */
  function simulatePool(all: readonly SweepTask[], workers: number, choices: readonly number[], rolling: boolean, onStart: (t: SweepTask, running: readonly SweepTask[], finished: readonly SweepTask[]) => void): SweepTask[] {
    const independent = all.some((t) => t.offlineRows === 'independent');
    const pending = startOrder(all);
    const running: SweepTask[] = [];
    const finished: SweepTask[] = [];
    let step = 0;
    while (pending.length > 0 || running.length > 0) {
      while (running.length < workers) {
        // The simulated reference of a scenario and seed is kept once one offline run that needs it finished.
        const ready = (t: SweepTask) => finished.some((o) => o.policy === 'offline' && o.seed === t.seed && needsOfflineReference(o));
        const t = takeStartable(pending, running, independent ? ready : true, rolling);
        if (t === undefined) break;
        onStart(t, running, finished);
        running.push(t);
      }
      expect(running.length).toBeGreaterThan(0);
      finished.push(...running.splice((choices[step++ % choices.length] ?? 0) % running.length, 1));
    }
    return finished;
  }

  it('chained (the default): starts an offline run only after every higher capacity of its scenario and seed finished, and never stalls (any finishing order)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), fc.integer({ min: 1, max: 3 }), (choices, workers) => {
        const finished = simulatePool(chainedTasks, workers, choices, false, (t, _running, done) => {
          if (t.policy !== 'offline') return;
          const higher = chainedTasks.filter((o) => o.policy === 'offline' && o.seed === t.seed && Number(o.value) > Number(t.value));
          expect(higher.every((o) => done.includes(o))).toBe(true);
        });
        expect(finished).toHaveLength(chainedTasks.length);
      }),
      { seed: 16, numRuns: 100 },
    );
  });

  it('independent: starts one offline run per scenario and seed until its reference is kept, then any; never stalls (any finishing order)', () => {
    // The demo's own capacity is 80 kW: 120 is above it (a cold solve that never waits).
    expect(tasks.filter((t) => t.policy === 'offline').map((t) => [t.value, t.offlineReference?.capacity, needsOfflineReference(t)])).toEqual([
      [40, 80, true],
      [40, 80, true],
      [80, 80, true],
      [80, 80, true],
      [120, 80, false],
      [120, 80, false],
    ]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), fc.integer({ min: 1, max: 3 }), (choices, workers) => {
        const finished = simulatePool(tasks, workers, choices, false, (t, running, done) => {
          if (!needsOfflineReference(t)) return;
          const ready = done.some((o) => o.policy === 'offline' && o.seed === t.seed && needsOfflineReference(o));
          expect(ready || !running.some((o) => o.policy === 'offline' && o.seed === t.seed && needsOfflineReference(o))).toBe(true);
        });
        expect(finished).toHaveLength(tasks.length);
      }),
      { seed: 16, numRuns: 100 },
    );
  });

  it('independent: an offline run of a capacity sweep knows its reference: the scenario at its own capacity; other parameters and policies have none', () => {
    const offline = tasks.find((t) => t.policy === 'offline')!;
    expect(offline.offlineReference?.scenario.site.connectionImportKw).toBe(80);
    expect(tasks.find((t) => t.policy === 'edf')!.offlineReference).toBeUndefined();
    expect(sweepTasks([demoScenario()], 'horizon', [12], [1], ['offline'])[0]!.offlineReference).toBeUndefined();
  });

  it('with both chains: a checked rolling run starts only after every lower capacity of its scenario, seed and policy started, an unchecked one never waits, and the pool never stalls', () => {
    // Values out of order on purpose: the chains follow the capacities, not the list.
    const mixed = sweepTasks([demoScenario()], 'capacity', [80, 40, 120, 20], [1, 2], ['edf', 'mpc', 'mpc-events', 'offline']);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), fc.integer({ min: 1, max: 3 }), (choices, workers) => {
        const finished = simulatePool(mixed, workers, choices, true, (t, running, done) => {
          if (t.policy !== 'edf' && t.policy !== 'mpc-events') return;
          const lower = mixed.filter((o) => o.policy === t.policy && o.seed === t.seed && Number(o.value) < Number(t.value));
          expect(lower.every((o) => done.includes(o) || running.includes(o))).toBe(true);
        });
        expect(finished).toHaveLength(mixed.length);
      }),
      { seed: 16, numRuns: 100 },
    );
    // `mpc` is not checked (capacity-slack.ts): its runs never wait for a lower capacity.
    const pending = startOrder(mixed).filter((t) => t.policy === 'mpc');
    const running = [pending.shift()!];
    expect(takeStartable(pending, running, () => false, true)?.policy).toBe('mpc');
  });

  it('without the offline reference rule takes tasks in start order', () => {
    const pending = startOrder(tasks);
    const first = pending[0];
    expect(takeStartable(pending, [pending[1]!], undefined)).toBe(first);
    expect(pending).toHaveLength(tasks.length - 1);
  });

  it('without the offline chain takes tasks in start order', () => {
    const pending = startOrder(chainedTasks);
    const first = pending[0];
    expect(takeStartable(pending, [], false)).toBe(first);
    expect(pending).toHaveLength(chainedTasks.length - 1);
  });
});
