/**
 * Resident site models on Redis workers (adapters/service/portfolio-flow.ts `process(..., resident)`, issue 17
 * session 11): workers with resident models register and beat; a coordinator routes each site's children to one
 * live worker (balanced, stable), so a site is solved by the same worker round after round and its later rounds
 * are warm (re-solved from the last LP basis); a worker that stops beating mid-coordination (killed: its solve
 * never answers, no more beats) has its unanswered children sent to the others, and the coordination still ends
 * with valid plans that keep the feeder limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortfolioFlow } from '../../../adapters/service/portfolio-flow.ts';
import { flowSites } from '../../../adapters/service/portfolio-flow-sites.ts';
import { coordinateBySiteColumns } from '../../../optimizer/portfolio/site-columns.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';
import { residentFlowEnv } from './resident-flow-env.ts';

describe('PortfolioFlow.assign', () => {
  it('gives every site one live worker, at most ceil(sites / workers) each, the same for the same input', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 }), fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{4,8}$/), { minLength: 1, maxLength: 5 }), (sites, workers) => {
      const a = PortfolioFlow.assign(sites, workers);
      expect(a.size).toBe(sites.length);
      const load = new Map<string, number>();
      for (const w of a.values()) {
        expect(workers).toContain(w);
        load.set(w, (load.get(w) ?? 0) + 1);
      }
      for (const n of load.values()) expect(n).toBeLessThanOrEqual(Math.ceil(sites.length / workers.length));
      expect(PortfolioFlow.assign(sites, workers)).toEqual(a);
    }));
  });
});

const T = 24;
const members = [1, 2, 3, 4].map((seed) => ({ siteId: `site-${seed}`, problem: generateDepot({ vehicles: 12, slots: T, seed, minimumCurrent: false }) }));
// The feeder: the sites' inflexible load plus 2 kW in every slot (binds wherever the vehicles would charge more).
const floorKw = Array.from({ length: T }, (_, t) => members.reduce((a, m) => a + (m.problem.baseLoadKw?.[t] ?? 0) - (m.problem.pvKw?.[t] ?? 0), 0));
const limits = { importLimitKw: floorKw.map((f) => Math.max(0, f) + 2), exportLimitKw: new Array<number>(T).fill(Infinity) };

describeWithRedis('resident site models routed to Redis workers', () => {
  const env = residentFlowEnv('resident-flow', 4);
  const { clients, flow, residentOf } = env;
  const unused = () => Promise.reject(new Error('cold path not expected with resident models'));

  it('each site is solved by one worker round after round, warm after its first round; a worker killed mid-way: its sites go to the other, the plan is valid and keeps the limit', async () => {
    const poolA = env.pool(1);
    const poolB = env.pool(1);
    const a = flow('worker-a', clients[0]!);
    const b = flow('worker-b', clients[1]!);
    a.process(unused, 1, residentOf(poolA));
    // worker-b "dies" on its answer after `killAfter`: that solve never answers and it beats no more.
    let bCalls = 0;
    let killAfter = Infinity;
    let release: (() => void) | undefined;
    const bResident = residentOf(poolB);
    b.process(unused, 1, (problem, key, request) => {
      if (++bCalls > killAfter) {
        clients[1]!.disconnect(); // its producer connection: no more beats (the solve below never answers)
        return new Promise((_, reject) => (release = () => reject(new Error('worker-b was killed'))));
      }
      return bResident(problem, key, request);
    });
    const coordinator = flow('coordinator', clients[2]!);

    // Healthy: 4 rounds, every site on one worker, both workers used, warm after the first round.
    const run1 = await coordinator.begin('pc-resident-1', members);
    try {
      const bySite = new Map<string, Set<string>>();
      for (let round = 0; round < 4; round++) {
        const answers = await run1.runRound(members.map((m) => ({ siteId: m.siteId, request: { adderPerKwh: new Array<number>(T).fill(0.01 * round) }, withPlan: false })));
        for (const ans of answers) {
          bySite.set(ans.siteId, (bySite.get(ans.siteId) ?? new Set()).add(ans.solvedBy));
          expect(ans.resident?.how).toBe(round === 0 ? 'first' : 'warm');
        }
      }
      for (const solvers of bySite.values()) expect(solvers.size).toBe(1);
      expect(new Set([...bySite.values()].flatMap((s) => [...s])).size).toBe(2);
      expect(run1.routing.routed).toBe(16);
      expect(run1.routing.shared).toBe(0);
    } finally {
      await run1.end();
    }

    // A whole coordination in which worker-b dies after two more answers.
    killAfter = bCalls + 2;
    const run2 = await coordinator.begin('pc-resident-2', members);
    try {
      const sites = flowSites(run2, members);
      const coordinated = await coordinateBySiteColumns(sites.subproblems, limits, { maxIterations: 6 });
      const made = await sites.materialise(coordinated); // every plan checked against its answer and the validator
      expect(coordinated.iterations).toBeGreaterThan(1);
      expect(run2.routing.deadWorkers).toEqual(new Set([b.registeredAs]));
      expect(run2.routing.reassigned).toBeGreaterThan(0);
      const T0 = made.plan.netImportKw.length;
      for (let t = 0; t < T0; t++) {
        const sum = made.plan.sites.reduce((x, s) => x + s.solution.netImportKw[t]!, 0);
        expect(sum).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-6);
      }
      expect(made.plan.bound).toBeLessThanOrEqual(made.plan.objective + 1e-6);
      for (const s of made.plan.sites) expect(s.solution.plan.message ?? '').toMatch(/resident model|first solve/);
      expect(sites.stats.resident.first + sites.stats.resident.warm).toBe(sites.stats.childJobs);
    } finally {
      release?.();
      await run2.end();
    }
  }, 240_000);
});
