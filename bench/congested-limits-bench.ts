/**
 * A lean check of issue 13's congested-limit goal: on one seed of a scenario (default the Caltech week), at each site
 * limit, LLF's and EDF's delivered energy beside `mpc-events` as shipped (`now`) and as on main 7bb9044 (`main`: the
 * constant taper form, candidates ranked by the bill, no delivery first), with the count of plans each made from a
 * baseline (bench/RESULTS.md, "Issue 13, session 10"). No offline reference, no `mpc-forecast`: seconds, not minutes.
 *
 *   node bin/run-ts.mjs bench/congested-limits-bench.ts --seed 2 --limits 10,15
 *   node bin/run-ts.mjs bench/congested-limits-bench.ts --seed 2 --limits 10,15 --variants s10,now,hs,est,lim,est0.9,hs+est/lax
 *
 * `--variants` (default `main,now`): `main` (above), `now` (`mpcEventsOptions`), `s10` (session 10's: full demand charge,
 * no billing-peak estimate), `s12` (session 12's: the late-charge guard over each stay's last 2 h), `s11` (session 11's: `horizon-share` also without a floor, demand-charge-without-floor.ts), `hs` (s10 + `horizon-share`), `est[q]` / `lim[q]` (s10 + the billing-peak estimate at quantile
 * q, default 0.5, in the `estimate` / `limit-when-reached` form), `hs+<variant>` (+ `horizon-share`), `<variant>/lax` (delivery
 * first ranked by laxity); scenarios/MPC.md, "Billing-peak estimate".
 *
 * Prints tab-separated rows: limit (kW), policy, delivered (%), delivered (kWh), net cost, peak (kW), CPU s, then the
 * baselines that made a plan. Needs the real data (V2G_DATA_DIR).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { eventTriggeredController, measuredCongestionDelivery, mpcEventsOptions, sessionTenEventsOptions, sessionTwelveEventsOptions } from '../scenarios/event-mpc.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import type { MpcOptions } from '../scenarios/policies.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import type { ReplayResult } from '../scenarios/replay-result.ts';
import { peakEstimateOf } from '../scenarios/billing-peak-estimate.ts';
import type { ReplayInputs } from '../scenarios/replay-inputs.ts';

const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'caltech-week' }, seed: { type: 'string', default: '1' }, limits: { type: 'string', default: '10,15,20,30,40,50' }, variants: { type: 'string', default: 'main,now' } } });
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(undefined));
const highs = await loadHighsBackend();
const solver = solverSetup(loaded.scenario, highs.backend);
const clock = () => performance.now();
const { taperForm: _tf, candidateObjective: _co, congestionDelivery: _cd, ...mainOptions } = sessionTenEventsOptions();
const variantOptions = (name: string, inputs: ReplayInputs): MpcOptions => {
  if (name.endsWith('/lax')) return { ...variantOptions(name.slice(0, -4), inputs), congestionDelivery: { ...measuredCongestionDelivery, rank: 'laxity' } };
  if (name === 'main') return mainOptions;
  if (name === 'now') return mpcEventsOptions;
  if (name === 's10') return sessionTenEventsOptions();
  if (name === 's12') return sessionTwelveEventsOptions();
  if (name === 's11') return { ...mpcEventsOptions, peakEstimate: { form: 'estimate', quantile: 0.5 } };
  if (name === 'hs') return { ...sessionTenEventsOptions(), demandCharge: 'horizon-share' };
  if (name.startsWith('hs+')) return { ...variantOptions(name.slice(3), inputs), demandCharge: 'horizon-share' };
  const m = /^(est|lim)(\d*\.?\d+)?$/.exec(name);
  if (m) return { ...sessionTenEventsOptions(), peakEstimate: { form: m[1] === 'est' ? 'estimate' : 'limit-when-reached', quantile: m[2] !== undefined ? Number(m[2]) : 0.5 } };
  throw new Error(`unknown variant ${name}`);
};
const variantNames = values.variants!.split(',');
const seed = Number(values.seed);
for (const limitKw of values.limits!.split(',').map(Number)) {
  const scenario = { ...loaded.scenario, site: { ...loaded.scenario.site, connectionImportKw: limitKw, transformerRatingKw: limitKw } };
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed });
  const row = (name: string, replay: () => ReplayResult, fromBaseline: Record<string, number> = {}) => {
    const before = process.cpuUsage();
    const k = computeKpis(replay());
    const cpu = process.cpuUsage(before);
    console.log([limitKw, name, k.energyDeliveredPct.toFixed(3), k.energyDeliveredKwh.toFixed(3), k.netCost.toFixed(2), k.peakImportKw.toFixed(2), ((cpu.user + cpu.system) / 1e6).toFixed(1), JSON.stringify(fromBaseline)].join('\t'));
  };
  row('llf', () => runReplay(inputs, 'llf', { solver, clock }));
  row('edf', () => runReplay(inputs, 'edf', { solver, clock }));
  for (const name of variantNames) {
    const options = variantOptions(name, inputs);
    if (options.peakEstimate) console.log(`# ${name}: estimate ${peakEstimateOf(inputs, options.peakEstimate).estimateKw.toFixed(3)} kW`);
    const fromBaseline: Record<string, number> = {};
    const controller = eventTriggeredController(inputs, solver, options, ({ plan }) => {
      if (plan.origin?.source === 'baseline') fromBaseline[plan.origin.baseline!] = (fromBaseline[plan.origin.baseline!] ?? 0) + 1;
    });
    row(`mpc-events ${name}`, () => runReplay(inputs, 'mpc-events', { solver, clock, controller }), fromBaseline);
  }
}
console.log(`seed ${seed}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end, Node ${process.version}, HiGHS ${highs.version}`);
