/**
 * The replay goals of issue 13, measured on the real Caltech week (or another scenario):
 * 1. MPC's spread over seeds 1..N (max - min) as a share of its mean, and its gap to offline per seed;
 * 2. at congested site limits (10..50 kW), the energy MPC delivers against LLF and EDF;
 * 3. the arrival forecast (`mpc-forecast`), the demand-charge treatment of the rolling horizon (`full` vs `horizon-share`) and the regularisers
 *    (`mpc` vs `mpc-plain` vs `mpc-quick`), on the same seeds; the scenario MPC's variants (`scen*`: past weeks as arrival
 *    scenarios, arrival-scenarios.ts) when named in `--variants` (and at the limits with `--limit-variants`);
 * 4. where each policy's net cost goes, per seed, beside offline's (energy, demand charge, degradation, export, peak).
 *
 *   node bin/run-ts.mjs bench/policy-goals-bench.ts --scenario caltech-week --seeds 10
 *
 * Prints Markdown for bench/RESULTS.md. Needs the real data (V2G_DATA_DIR, default ../shared/data).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { weekShiftScenarios } from '../scenarios/arrival-scenarios.ts';
import { reserveFromHistory } from '../scenarios/arrival-reserve.ts';
import { mpcController, mpcDemandChargeTreatment, mpcForecastOptions, type MpcOptions } from '../scenarios/policies.ts';
import type { PolicyName } from '../scenarios/policy-names.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import { eventTriggeredController, measuredCongestionDelivery, measuredLateChargeMargin, mpcEventsOptions, sessionTenEventsOptions, sessionTwelveEventsOptions } from '../scenarios/event-mpc.ts';
import type { ReplayInputs } from '../scenarios/replay-inputs.ts';
import type { ReplayResult } from '../scenarios/replay-result.ts';
import type { Scenario } from '../scenarios/scenario-schema.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-week' },
    seeds: { type: 'string', default: '10' },
    limits: { type: 'string', default: '10,15,20,30,40,50' },
    variants: { type: 'string', default: 'mpc,mpc-forecast,mpc-plain,mpc-quick,mpc-horizon-share' },
    /** Variants (keys of the list below) also measured at the congested limits, in a second table. */
    'limit-variants': { type: 'string', default: '' },
    'data-dir': { type: 'string' },
    /** Solve the offline reference as an exact MILP (`integerStrategy: 'milp'`) instead of the LP repair. */
    'offline-milp': { type: 'boolean', default: false },
    /** How the offline enforces minimum currents: auto (the exact MILP on small problems, offline-optimum.ts), milp or repair. */
    'offline-strategy': { type: 'string', default: 'auto' },
    /** The offline solve's own time budget (ms); default the scenario's (`offlineTimeLimitMs`, 300 s). */
    'offline-time-limit-ms': { type: 'string' },
  },
});
/** `--seeds N`: seeds 1..N; `--seeds a,b,...`: those seeds. */
const seeds = values.seeds!.includes(',') ? values.seeds!.split(',').map(Number) : Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const clock = () => performance.now();
const started = clock();
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const highs = await loadHighsBackend();
const solver = solverSetup(loaded.scenario, highs.backend);
const inputsOf = (scenario: Scenario, seed: number) => loadReplayInputs(scenario, loaded.texts, { seed });
const offlineStrategy = values['offline-milp'] ? 'milp' : (values['offline-strategy'] as 'auto' | 'milp' | 'repair');
if (!['auto', 'milp', 'repair'].includes(offlineStrategy)) throw new Error(`--offline-strategy: auto, milp or repair, not ${offlineStrategy}`);
const offlineLimitMs = values['offline-time-limit-ms'] !== undefined ? Number(values['offline-time-limit-ms']) : undefined;
const offlineSolver = { ...solver, offlineIntegerStrategy: offlineStrategy, ...(offlineLimitMs !== undefined ? { offlineTimeLimitMs: offlineLimitMs } : {}) };
const run = (inputs: ReplayInputs, policy: PolicyName): ReplayResult => runReplay(inputs, policy, { solver: policy === 'offline' ? offlineSolver : solver, clock });
/** MPC with explicit options: the controller is swapped in through a one-policy registry-free replay. */
const runMpc = (inputs: ReplayInputs, options: MpcOptions): ReplayResult =>
  runReplay(inputs, 'mpc', { solver, clock, controller: mpcController(inputs, solver, options) });

/** `mpc-forecast`'s options with whole past weeks as arrival scenarios in place of the expected arrivals. */
const scen = (i: ReplayInputs, weeks: number): MpcOptions => {
  const { forecast: _forecast, ...rest } = mpcForecastOptions(i, 'quick');
  return { ...rest, scenarios: weekShiftScenarios(i, weeks) };
};
const stats = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sorted = [...xs].sort((a, b) => a - b);
  return { mean, min: sorted[0]!, max: sorted.at(-1)!, median: sorted[Math.floor(sorted.length / 2)]!, spreadPct: (100 * (sorted.at(-1)! - sorted[0]!)) / Math.abs(mean) };
};
const f2 = (x: number) => x.toFixed(2);

/** `mpc-events` as on main 7bb9044, before issue 13 session 10 (the before of its measurements). */
const { taperForm: _tf, candidateObjective: _co, congestionDelivery: _cd, ...mainEventsOptions } = sessionTenEventsOptions();

/** `mpc-events` with the late-charge margin measured in issue 16, session 9 (an option, not its default). */
const withMargin = { ...mpcEventsOptions, lateChargeMargin: measuredLateChargeMargin };

// 1 and 3: seeds.
const allVariants: [string, string, (i: ReplayInputs) => ReplayResult][] = [
  ['mpc', 'mpc', (i) => run(i, 'mpc')],
  ['mpc-forecast', 'mpc-forecast', (i) => run(i, 'mpc-forecast')],
  ['mpc-plain', 'mpc-plain', (i) => run(i, 'mpc-plain')],
  ['mpc-quick', 'mpc-quick', (i) => run(i, 'mpc-quick')],
  ['mpc-events', 'mpc-events', (i) => run(i, 'mpc-events')],
  ['mpc-events-margin', 'mpc-events with the late-charge margin (measuredLateChargeMargin)', (i) => runReplay(i, 'mpc-events', { solver, clock, controller: eventTriggeredController(i, solver, withMargin) })],
  ['mpc-events-s12', "mpc-events as after issue 13 session 12 (the late-charge guard over each stay's last 2 h)", (i) => runReplay(i, 'mpc-events', { solver, clock, controller: eventTriggeredController(i, solver, sessionTwelveEventsOptions()) })],
  ['mpc-events-s11', 'mpc-events as after issue 13 session 11 (horizon-share also without a billing-peak floor)', (i) => runReplay(i, 'mpc-events', { solver, clock, controller: eventTriggeredController(i, solver, { ...mpcEventsOptions, peakEstimate: { form: 'estimate', quantile: 0.5 } }) })],
  ['mpc-events-s10', 'mpc-events as after issue 13 session 10 (full demand charge, no billing-peak estimate)', (i) => runReplay(i, 'mpc-events', { solver, clock, controller: eventTriggeredController(i, solver, sessionTenEventsOptions()) })],
  ['mpc-events-main', "mpc-events as on main 7bb9044 (constant taper form, candidates ranked by the bill, no delivery first)", (i) => runReplay(i, 'mpc-events', { solver, clock, controller: eventTriggeredController(i, solver, mainEventsOptions) })],
  ['x-mpc-s10', 'mpc + the session 10 changes of mpc-events (stepped taper, candidates ranked with the regularisers, delivery first under congestion)', (i) => runMpc(i, { variant: 'robust', demandCharge: mpcDemandChargeTreatment, taperAware: true, taperForm: 'stepped', candidateObjective: 'regularised', congestionDelivery: measuredCongestionDelivery })],
  ['mpc-events-st', 'mpc-events, stepped taper', (i) => runReplay(i, 'mpc-events', { solver, clock, controller: eventTriggeredController(i, solver, { ...mpcEventsOptions, taperForm: 'stepped' }) })],
  ['scen4-mean', 'scenario MPC, 4 past weeks, mean', (i) => runMpc(i, { ...scen(i, 4), scenarioCombine: 'mean' })],
  ['scen4-max', 'scenario MPC, 4 past weeks, max', (i) => runMpc(i, { ...scen(i, 4), scenarioCombine: 'max' })],
  ['scen2-max', 'scenario MPC, 2 past weeks, max', (i) => runMpc(i, { ...scen(i, 2), scenarioCombine: 'max' })],
  ['scen3-max', 'scenario MPC, 3 past weeks, max', (i) => runMpc(i, { ...scen(i, 3), scenarioCombine: 'max' })],
  ['scen4-max-q1', 'scenario MPC, 4 past weeks, max, quick share 1', (i) => runMpc(i, { ...scen(i, 4), scenarioCombine: 'max', quickChargeShare: 1 })],
  ['scen4-max-deadline', 'scenario MPC, 4 past weeks, max, deadline rank', (i) => runMpc(i, { ...scen(i, 4), scenarioCombine: 'max', rank: 'deadline' })],
  ['scen4fc-max', 'scenario MPC, 4 past weeks + the expected arrivals, max', (i) => runMpc(i, { ...mpcForecastOptions(i, 'quick'), scenarios: weekShiftScenarios(i, 4), scenarioCombine: 'max' })],
  ['scen4fc-mean', 'scenario MPC, 4 past weeks + the expected arrivals, mean', (i) => runMpc(i, { ...mpcForecastOptions(i, 'quick'), scenarios: weekShiftScenarios(i, 4), scenarioCombine: 'mean' })],
  ['scen4-robust-mean', 'scenario MPC robust, 4 past weeks, mean', (i) => runMpc(i, { ...scen(i, 4), variant: 'robust', scenarioCombine: 'mean' })],
  ['scen4-robust-max', 'scenario MPC robust, 4 past weeks, max', (i) => runMpc(i, { ...scen(i, 4), variant: 'robust', scenarioCombine: 'max' })],
  ['mpc-horizon-share', 'mpc, horizon-share demand charge', (i) => runMpc(i, { variant: 'robust', demandCharge: 'horizon-share' })],
];
/**
 * Composed MPC variants by key (session 7): `x-<base>[-r<q>-<v>][-llf][-qs<share>][-ta]`; base `mpc` (the robust,
 * taper-aware `mpc`) or `fc` (`mpc-forecast`); `-r<q>-<v>`: arrival reserve (arrival-reserve.ts) at quantile q %
 * and value v cents per kWh; `-llf`: quick charge ranked by laxity; `-qs<share>`: that quick-charge share;
 * `-ta`: taper-aware rows (`fc` keeps its taper allowance otherwise); `-m<Wh>`: target margin (target-margin.ts);
 * `-g<hours>`: late-charge guard over each stay's last hours (mpc-regularisers.ts `withLateChargeGuard`); `-st`: the stepped
 * taper form (charge-taper.ts).
 */
const composedVariant = (key: string): [string, string, (i: ReplayInputs) => ReplayResult] | undefined => {
  const m = /^x-(mpc|fc)(?:-r(\d+)-(\d+))?(-llf)?(?:-qs(\d+(?:\.\d+)?))?(-ta)?(?:-m(\d+))?(?:-g(\d+(?:\.\d+)?))?(-st)?$/.exec(key);
  if (!m) return undefined;
  const [, base, q, v, llf, qs, ta, marginWh, guardHours, stepped] = m;
  const reserveOptions = q !== undefined ? { quantile: Number(q) / 100, valuePerKwh: Number(v) / 100 } : undefined;
  const parts = [
    ...(reserveOptions ? [`arrival reserve (quantile ${reserveOptions.quantile}, value ${reserveOptions.valuePerKwh}/kWh)`] : []),
    ...(llf ? ['laxity rank'] : []),
    ...(qs ? [`quick share ${qs}`] : []),
    ...(ta ? ['taper-aware'] : []),
    ...(marginWh ? [`target margin ${Number(marginWh) / 1000} kWh`] : []),
    ...(guardHours ? [`late-charge guard ${guardHours} h`] : []),
    ...(stepped ? ['stepped taper'] : []),
  ];
  const name = `${base === 'fc' ? 'mpc-forecast' : 'mpc'}${parts.length ? ` + ${parts.join(', ')}` : ''}`;
  return [
    key,
    name,
    (i) => {
      const baseOptions: MpcOptions = base === 'fc' ? mpcForecastOptions(i, 'quick') : { variant: 'robust', demandCharge: mpcDemandChargeTreatment, taperAware: true };
      return runMpc(i, {
        ...baseOptions,
        ...(llf ? { rank: 'laxity' as const } : {}),
        ...(qs ? { quickChargeShare: Number(qs) } : {}),
        ...(ta ? { taperAware: true, taperAllowance: false } : {}),
        ...(reserveOptions ? { reserve: reserveFromHistory(i, reserveOptions) } : {}),
        ...(marginWh ? { targetMarginKwh: Number(marginWh) / 1000 } : {}),
        ...(guardHours ? { lateChargeGuardHours: Number(guardHours) } : {}),
        ...(stepped ? { taperAware: true, taperForm: 'stepped' as const } : {}),
      });
    },
  ];
};
for (const key of [...values.variants!.split(','), ...values['limit-variants']!.split(',')]) {
  const r = composedVariant(key);
  if (r && !allVariants.some(([k]) => k === key)) allVariants.push(r);
}
const chosen = values.variants!.split(',');
const variants = allVariants.filter(([key]) => chosen.includes(key)).map(([, name, f]) => [name, f] as const);
const net: Record<string, number[]> = { offline: [] };
const gap: Record<string, number[]> = {};
const delivered: Record<string, number[]> = { offline: [] };
/** Per seed and policy: where the net cost goes (energy, demand charge, degradation, export), the peak and the delivery. */
const parts: { seed: number; policy: string; k: ReturnType<typeof computeKpis> }[] = [];
/** How each seed's offline reference was made (its label: optimal, or not proven optimal with its bound gap). */
const offlineLabels: string[] = [];
for (const seed of seeds) {
  console.error(`seed ${seed}...`);
  const inputs = inputsOf(loaded.scenario, seed);
  const cpu = process.cpuUsage();
  const offline = run(inputs, 'offline');
  const cpuS = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6;
  const ko = computeKpis(offline);
  net.offline!.push(ko.netCost);
  delivered.offline!.push(ko.energyDeliveredPct);
  parts.push({ seed, policy: 'offline', k: ko });
  const how = offline.notes.find((n) => n.startsWith('offline reference: minimum currents')) ?? '';
  offlineLabels.push(`seed ${seed}: ${offline.offlinePlan?.label ?? 'no offline plan'} - replayed net cost ${f2(ko.netCost)}, plan net cost ${f2(offline.offlinePlan?.netCost ?? Number.NaN)}, ${f2(cpuS)} s CPU (${how.replace('offline reference: ', '')})`);
  for (const [name, f] of variants) {
    const k = computeKpis(f(inputs), offline);
    parts.push({ seed, policy: name, k });
    (net[name] ??= []).push(k.netCost);
    (gap[name] ??= []).push(k.gapToOfflinePct!);
    (delivered[name] ??= []).push(k.energyDeliveredPct);
  }
}
const lines: string[] = [];
lines.push(`Seeds ${values.seeds!.includes(',') ? seeds.join(', ') : `${seeds[0]}-${seeds.at(-1)}`} of ${loaded.scenario.name} (net cost in ${loaded.scenario.site.currency}; spread = (max - min) / mean):`, '');
lines.push('| policy | net cost median | mean | min | max | spread | gap to offline median | gap max | delivered median (%) |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const name of Object.keys(net)) {
  const s = stats(net[name]!);
  const g = gap[name] ? stats(gap[name]!) : undefined;
  lines.push(`| ${name} | ${f2(s.median)} | ${f2(s.mean)} | ${f2(s.min)} | ${f2(s.max)} | ${f2(s.spreadPct)} % | ${g ? `${f2(g.median)} %` : '-'} | ${g ? `${f2(g.max)} %` : '-'} | ${f2(stats(delivered[name]!).median)} |`);
}

lines.push('', `Offline reference (--offline-strategy ${offlineStrategy}): ${offlineLabels.join('; ')}.`);

// 1b: the gap decomposed per seed (each part minus offline's on the same seed).
lines.push('', 'Net cost decomposed per seed (USD; in brackets: minus offline on the same seed). net = energy - export + demand charge + degradation:', '');
lines.push('| seed | policy | net | energy | demand charge | degradation | export | peak (kW) | delivered (kWh) |', '|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const { seed, policy, k } of parts) {
  const o = parts.find((p) => p.seed === seed && p.policy === 'offline')!.k;
  const d = (x: number, y: number) => (policy === 'offline' ? f2(x) : `${f2(x)} (${x - y >= 0 ? '+' : ''}${f2(x - y)})`);
  lines.push(`| ${seed} | ${policy} | ${d(k.netCost, o.netCost)} | ${d(k.energyCost, o.energyCost)} | ${d(k.demandCharge, o.demandCharge)} | ${d(k.degradationCost, o.degradationCost)} | ${d(k.exportRevenue, o.exportRevenue)} | ${d(k.peakImportKw, o.peakImportKw)} | ${d(k.energyDeliveredKwh, o.energyDeliveredKwh)} |`);
}

// 2: congested limits, seed 1.
lines.push('', `Congested site limits (seed ${seeds[0]}): energy delivered / requested (%), net cost:`, '');
lines.push('| limit (kW) | mpc | mpc-forecast | mpc-quick | llf | edf | fcfs | mpc >= llf and edf | mpc-forecast >= llf and edf | mpc net cost | mpc-forecast net cost | offline net cost |', '|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|');
const extra: string[] = [];
for (const limitKw of values.limits ? values.limits.split(',').map(Number) : []) {
  console.error(`limit ${limitKw} kW...`);
  const scenario = { ...loaded.scenario, site: { ...loaded.scenario.site, connectionImportKw: limitKw, transformerRatingKw: limitKw } };
  const inputs = inputsOf(scenario, seeds[0]!);
  const offline = run(inputs, 'offline');
  const d = (p: PolicyName) => computeKpis(run(inputs, p), offline);
  const [mpc, forecast, quick, llf, edf, fcfs] = (['mpc', 'mpc-forecast', 'mpc-quick', 'llf', 'edf', 'fcfs'] as const).map(d);
  const atLeast = (k: typeof mpc) => (k!.energyDeliveredKwh >= Math.max(llf!.energyDeliveredKwh, edf!.energyDeliveredKwh) - 1e-6 ? 'yes' : 'NO');
  for (const [key, name, f] of allVariants.filter(([k]) => values['limit-variants']!.split(',').includes(k))) {
    const k = computeKpis(f(inputs), offline);
    extra.push(`| ${limitKw} | ${key} (${name}) | ${f2(k.energyDeliveredPct)} | ${f2(llf!.energyDeliveredPct)} | ${f2(edf!.energyDeliveredPct)} | ${atLeast(k)} | ${f2(k.netCost)} |`);
  }
  lines.push(`| ${limitKw} | ${f2(mpc!.energyDeliveredPct)} | ${f2(forecast!.energyDeliveredPct)} | ${f2(quick!.energyDeliveredPct)} | ${f2(llf!.energyDeliveredPct)} | ${f2(edf!.energyDeliveredPct)} | ${f2(fcfs!.energyDeliveredPct)} | ${atLeast(mpc)} | ${atLeast(forecast)} | ${f2(mpc!.netCost)} | ${f2(forecast!.netCost)} | ${f2(computeKpis(offline).netCost)} |`);
}
if (extra.length > 0) {
  lines.push('', `Variants at the congested limits (seed ${seeds[0]}): energy delivered / requested (%):`, '');
  lines.push('| limit (kW) | variant | delivered | llf | edf | >= llf and edf | net cost |', '|---:|---|---:|---:|---:|---|---:|', ...extra);
}
const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
lines.push('', `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load ${load} at the end, Node ${process.version}, HiGHS ${highs.version}, ${((clock() - started) / 1000).toFixed(0)} s.`);
lines.push(`Command: \`node bin/run-ts.mjs bench/policy-goals-bench.ts --scenario ${values.scenario} --seeds ${values.seeds} --limits '${values.limits}' --variants ${values.variants}${values['limit-variants'] ? ` --limit-variants ${values['limit-variants']}` : ''}${offlineStrategy !== 'auto' ? ` --offline-strategy ${offlineStrategy}` : ''}${offlineLimitMs !== undefined ? ` --offline-time-limit-ms ${offlineLimitMs}` : ''}\``);
console.log(lines.join('\n'));
