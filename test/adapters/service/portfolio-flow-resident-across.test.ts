/**
 * Resident site models across coordinations (adapters/service/portfolio-flow.ts, issue 17 session 16): a worker's
 * model is the site's, not the coordination's, so the next coordination of the same sites (a dispatch after the plan
 * in force) answers warm from the last LP basis while a site's problem is the same, and a site whose problem changed
 * gets a new model (first, said `replaced`) and a plan of its new problem.
 */
import { expect, it } from 'vitest';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';
import { residentFlowEnv } from './resident-flow-env.ts';

const T = 24;
const members = [1, 2, 3].map((seed) => ({ siteId: `site-${seed}`, problem: generateDepot({ vehicles: 10, slots: T, seed, minimumCurrent: false }) }));

describeWithRedis('resident site models across coordinations on Redis workers', () => {
  const env = residentFlowEnv('resident-across', 2);

  it('the next coordination is warm for unchanged sites; a changed site is opened again (replaced) and planned on its new problem', async () => {
    env.flow('worker-a', env.clients[0]!).process(() => Promise.reject(new Error('cold path not expected with resident models')), 1, env.residentOf(env.pool(1)));
    const coordinator = env.flow('coordinator', env.clients[1]!);
    const once = async (coordinationId: string, problems: typeof members, adder: number) => {
      const run = await coordinator.begin(coordinationId, problems);
      try {
        const answers = await run.runRound(problems.map((m) => ({ siteId: m.siteId, request: { adderPerKwh: new Array<number>(T).fill(adder) }, withPlan: true })));
        return new Map(answers.map((a) => [a.siteId, a]));
      } finally {
        await run.end();
      }
    };
    const first = await once('pc-across-1', members, 0);
    for (const a of first.values()) expect(a.resident).toEqual({ how: 'first' });
    // The next coordination: same problems, other prices (its own problem keys, which the previous one deleted).
    const second = await once('pc-across-2', members, 0.03);
    for (const a of second.values()) expect(a.resident).toEqual({ how: 'warm' });
    // One site's problem changed (a vehicle more): its model is replaced, its plan is of the new problem.
    const changed = { siteId: 'site-2', problem: generateDepot({ vehicles: 11, slots: T, seed: 2, minimumCurrent: false }) };
    const third = await once('pc-across-3', [members[0]!, changed, members[2]!], 0.01);
    expect(third.get('site-1')!.resident).toEqual({ how: 'warm' });
    expect(third.get('site-3')!.resident).toEqual({ how: 'warm' });
    expect(third.get('site-2')!.resident?.how).toBe('first');
    expect(third.get('site-2')!.resident?.replaced).toMatch(/problem changed/);
    expect(third.get('site-2')!.plan!.vehicles).toHaveLength(11);
  }, 180_000);
});
