/**
 * Issue 13: the MPC with an arrival forecast (scenarios/arrival-forecast.ts) against the MPC without, on
 * the Caltech week: net cost and gap to offline per seed, delivered energy at congested limits.
 *
 *   node bin/run-ts.mjs bench/mpc-forecast-bench.ts --seeds 1 --limits 10,50 --variants mpc,forecast
 *
 * The forecast is learnt from the sessions of the `--history-days` days before the period (never the period).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { learnArrivalForecast, type ForecastOptions } from '../scenarios/arrival-forecast.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { mpcController, mpcForecastOptions, type MpcOptions } from '../scenarios/policies.ts';
import type { PolicyName } from '../scenarios/policy-names.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../scenarios/replay-inputs.ts';
import type { Scenario } from '../scenarios/scenario-schema.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-week' },
    seeds: { type: 'string', default: '1' },
    limits: { type: 'string', default: '' },
    variants: { type: 'string', default: 'mpc,forecast' },
    'history-days': { type: 'string', default: '28' },
    'data-dir': { type: 'string' },
    'no-taper': { type: 'boolean', default: false },
    'no-min-current': { type: 'boolean', default: false },
  },
});
const seeds = values.seeds!.includes(',') ? values.seeds!.split(',').map(Number) : Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const clock = () => performance.now();
const started = clock();
const files = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const tapered = values['no-taper'] ? { ...files.scenario, physics: { ...files.scenario.physics, taperStartSocPct: 100 } } : files.scenario;
const noMin = (s: Scenario): Scenario => ({ ...s, site: { ...s.site, chargers: s.site.chargers.map((g) => { const { minCurrentA: _m, ...rest } = g as typeof g & { minCurrentA?: number }; return rest as typeof g; }) } });
const loaded = { ...files, scenario: values['no-min-current'] ? noMin(tapered) : tapered };
const highs = await loadHighsBackend();
const solver = solverSetup(loaded.scenario, highs.backend);
const historyMs = Number(values['history-days']) * 86_400_000;

const inputsOf = (scenario: Scenario, seed: number) => loadReplayInputs(scenario, loaded.texts, { seed });
function forecastOf(inputs: ReplayInputs, options: ForecastOptions) {
  const from = inputs.periodStartUtcMs - historyMs;
  const past = { ...inputs.scenario, period: { start: new Date(from).toISOString(), end: new Date(inputs.periodStartUtcMs).toISOString() } };
  const history = inputsOf(past, inputs.seed);
  return learnArrivalForecast(history.sessions, inputs.site.zone, from, inputs.periodStartUtcMs, options);
}
const base: MpcOptions = { variant: 'robust', demandCharge: 'full' };
const variants: Record<string, (i: ReplayInputs) => MpcOptions> = {
  mpc: () => base,
  /** Exactly the `mpc-forecast` policy (its history from the inputs). */
  'mpc-forecast': (i) => mpcForecastOptions(i, 'quick'),
  'mpc-quick': () => ({ ...base, variant: 'quick' }),
  forecast: (i) => ({ ...base, forecast: forecastOf(i, { arrivalBinMinutes: 60, stayBinMinutes: 120, energyShare: 1 }) }),
  'forecast-0.5': (i) => ({ ...base, forecast: forecastOf(i, { arrivalBinMinutes: 60, stayBinMinutes: 120, energyShare: 0.5 }) }),
  'forecast-1.5': (i) => ({ ...base, forecast: forecastOf(i, { arrivalBinMinutes: 60, stayBinMinutes: 120, energyShare: 1.5 }) }),
  'forecast-2': (i) => ({ ...base, forecast: forecastOf(i, { arrivalBinMinutes: 60, stayBinMinutes: 120, energyShare: 2 }) }),
  'forecast-fine': (i) => ({ ...base, forecast: forecastOf(i, { arrivalBinMinutes: 30, stayBinMinutes: 60, energyShare: 1 }) }),
  'forecast-coarse': (i) => ({ ...base, forecast: forecastOf(i, { arrivalBinMinutes: 120, stayBinMinutes: 240, energyShare: 1 }) }),
  'forecast-quick': (i) => ({ ...base, variant: 'quick', forecast: forecastOf(i, { arrivalBinMinutes: 60, stayBinMinutes: 120, energyShare: 1 }) }),
};
const names = values.variants!.split(',');
/** `<variant>+hint-<kW>`: the variant with a peak hint; `<variant>+llf`: ranked by laxity. */
const variantOf = (name: string): ((i: ReplayInputs) => MpcOptions) => {
  if (variants[name]) return variants[name]!;
  const hint = /^(.*?)\+?hint-([0-9.]+)$/.exec(name);
  if (hint) return (i) => ({ ...(hint[1] ? variantOf(hint[1])(i) : base), peakHintKw: Number(hint[2]) });
  const fc = /^fc([0-9.]+)(?:x([0-9]+)x([0-9]+))?$/.exec(name);
  if (fc) return (i) => ({ ...base, forecast: forecastOf(i, { arrivalBinMinutes: Number(fc[2] ?? 60), stayBinMinutes: Number(fc[3] ?? 120), energyShare: Number(fc[1]) }) });
  const taper = /^(.+)\+taper$/.exec(name);
  if (taper) return (i) => ({ ...variantOf(taper[1]!)(i), taperAllowance: true });
  const share = /^qs([0-9.]+):(.+)$/.exec(name);
  if (share) return (i) => ({ ...variantOf(share[2]!)(i), variant: 'quick', quickChargeShare: Number(share[1]) });
  const quick = /^q(.+)$/.exec(name);
  if (quick) return (i) => ({ ...variantOf(quick[1]!)(i), variant: 'quick' });
  const llf = /^(.*?)\+?llf$/.exec(name);
  if (llf) return (i) => ({ ...(llf[1] ? variantOf(llf[1])(i) : base), rank: 'laxity' });
  throw new Error(`unknown variant ${name}`);
};
for (const name of names) variants[name] = variantOf(name);
const f2 = (x: number) => x.toFixed(2);
const runMpc = (inputs: ReplayInputs, name: string) => {
  const t = clock();
  const r = runReplay(inputs, 'mpc', { solver, clock, controller: mpcController(inputs, solver, variants[name]!(inputs)) });
  return { r, s: (clock() - t) / 1000 };
};
const run = (inputs: ReplayInputs, p: PolicyName) => runReplay(inputs, p, { solver, clock });

console.log('| seed | variant | net cost | gap to offline | peak kW | delivered % | s |');
console.log('|---:|---|---:|---:|---:|---:|---:|');
for (const seed of seeds) {
  const inputs = inputsOf(loaded.scenario, seed);
  const offline = run(inputs, 'offline');
  const ko = computeKpis(offline);
  console.log(`| ${seed} | offline | ${f2(ko.netCost)} | 0 | ${f2(ko.peakImportKw)} | ${f2(ko.energyDeliveredPct)} | |`);
  for (const name of names) {
    const { r, s } = runMpc(inputs, name);
    const k = computeKpis(r, offline);
    console.log(`| ${seed} | ${name} | ${f2(k.netCost)} | ${f2(k.gapToOfflinePct!)} % | ${f2(k.peakImportKw)} | ${f2(k.energyDeliveredPct)} | ${s.toFixed(0)} |`);
  }
}
if (values.limits) {
  console.log('\n| limit kW | variant | delivered % | llf | edf | >= both | net cost |');
  console.log('|---:|---|---:|---:|---:|---|---:|');
  for (const limitKw of values.limits.split(',').map(Number)) {
    const scenario = { ...loaded.scenario, site: { ...loaded.scenario.site, connectionImportKw: limitKw, transformerRatingKw: limitKw } };
    const inputs = inputsOf(scenario, seeds[0]!);
    const llf = computeKpis(run(inputs, 'llf'));
    const edf = computeKpis(run(inputs, 'edf'));
    for (const name of names) {
      const k = computeKpis(runMpc(inputs, name).r);
      const ok = k.energyDeliveredKwh >= Math.max(llf.energyDeliveredKwh, edf.energyDeliveredKwh) - 1e-6;
      console.log(`| ${limitKw} | ${name} | ${f2(k.energyDeliveredPct)} | ${f2(llf.energyDeliveredPct)} | ${f2(edf.energyDeliveredPct)} | ${ok ? 'yes' : 'NO'} | ${f2(k.netCost)} |`);
    }
  }
}
console.log(`\nload ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${((clock() - started) / 1000).toFixed(0)} s`);
