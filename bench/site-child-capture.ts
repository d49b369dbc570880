/**
 * Captures the problem and request a 500-vehicle site's flow child sees in aggregate-first's round (issue 17 session 16,
 * helper child), for bench/site-child-bench.ts: S demo depots seeded as bench/portfolio-bench.ts seeds them (in-memory
 * store, one instant, seed = site number), each site's problem built by the service (portfolio-site-problems.ts) at
 * that instant, the feeder limit by the bench's rule (dispatch 0.8 x F on slots 2-9), then aggregate-first in process
 * (decomposed price step, capped price factor 0, warm bound). Every site's (problem, request) is written as JSON
 * (Infinity kept as "#Infinity") to --out/site-<i>.json. The caps come from S sites, not 200: like the bench's, not equal.
 *
 *   node bin/run-ts.mjs bench/site-child-capture.ts --sites 3 --vehicles 500 --out /tmp/child-cases
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ManualClock, systemClock } from '../adapters/clock.ts';
import { loadConfig } from '../adapters/config.ts';
import type { ServiceContext } from '../adapters/service/context.ts';
import { seedDemoSite } from '../adapters/service/demo-site.ts';
import { createServiceBackend } from '../adapters/service/service-backend.ts';
import { buildSiteProblem } from '../adapters/service/site-problem.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { coordinateAggregateFirst } from '../optimizer/portfolio/aggregate-first.ts';
import { solveWithUncappedLp } from '../optimizer/portfolio/site-bound-solve.ts';
import { firstSlotsOf, problemSubproblem, type SiteRequest } from '../optimizer/portfolio/site-subproblem.ts';
import type { Problem } from '../optimizer/problem.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { encodeChildCase } from './support/child-case.ts';

const { values } = parseArgs({ options: { sites: { type: 'string', default: '3' }, vehicles: { type: 'string', default: '500' }, out: { type: 'string', default: '/tmp/child-cases' }, at: { type: 'string', default: '2026-12-08T01:00:00Z' } } });
const S = Number(values.sites);
const V = Number(values.vehicles);
const config = loadConfig({ DEMO: 'false', LOG_LEVEL: 'warn', API_TOKENS: 'capture:capture-token-0123456789:admin' });
const service = await createServiceBackend(config, { clock: systemClock, timers: systemClock, processName: 'child-capture', onError: () => undefined });
const now = Date.parse(values.at);
const ctx = { config, clock: new ManualClock(now), store: service.store, queue: service.queue } as unknown as ServiceContext;
const problems: Problem[] = [];
let floorKw = 0;
let needKwh = 0;
const seedSlots = Math.ceil((2 * config.horizonHours * 60) / 15);
for (let i = 1; i <= S; i++) {
  const site = await seedDemoSite(ctx, { siteId: `pf-${i}`, vehicles: V, seed: i, schedules: false, replan: false });
  const [sessions, signals, dispatches] = await Promise.all([service.store.listSessions(site.id), service.store.getSignals(site.id), service.store.listDispatches(site.id)]);
  problems.push(buildSiteProblem({ site, sessions, signals, dispatches, unmanagedChargerIds: new Set() }, now, config.horizonHours).problem);
  const depot = generateDepot({ vehicles: V, slots: seedSlots, seed: i });
  floorKw += Math.max(0, ...Array.from({ length: seedSlots }, (_, t) => (depot.baseLoadKw?.[t] ?? 0) - (depot.pvKw?.[t] ?? 0)));
  needKwh += depot.vehicles.reduce((a, v) => a + Math.max(0, v.targetEnergyKwh - v.energyKwh), 0);
}
const T = Math.min(...problems.map((p) => p.slotCount));
const feederKw = Math.round(floorKw + 0.3 * (needKwh / 8));
const limits = { importLimitKw: Array.from({ length: T }, (_, t) => (t >= 2 && t < 10 ? Math.round(0.8 * feederKw) : feederKw)), exportLimitKw: new Array<number>(T).fill(Infinity) };
const backend = createHighsBackend(await loadHighs());
mkdirSync(values.out, { recursive: true });
const sites = problems.map((p, i) =>
  firstSlotsOf(
    problemSubproblem(`pf-${i + 1}`, p, (q) => Promise.resolve(solveWithBackend(q, backend)), async (base: Problem, request: SiteRequest) => {
      writeFileSync(`${values.out}/site-${i + 1}.json`, encodeChildCase({ siteId: `pf-${i + 1}`, problem: base, request }));
      return solveWithUncappedLp(base, request, backend, (q) => Promise.resolve(solveWithBackend(q, backend)));
    }),
    T,
  ),
);
const plan = await coordinateAggregateFirst(sites, limits, { priceStep: 'decomposed', boundSolve: 'warm', cappedPriceFactor: 0 });
console.log(`captured ${S} sites x ${V} vehicles (${T} slots, ${problems.map((p) => p.vehicles.length).join('/')} vehicles in the problems), feeder ${feederKw} kW; gap ${(100 * plan.gap).toFixed(3)} %`);
await service.close();
process.exit(0);
