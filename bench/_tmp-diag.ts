import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { learnArrivalForecast } from '../scenarios/arrival-forecast.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { mpcController } from '../scenarios/policies.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
const loaded = await loadScenarioFiles('caltech-week', dataDirectory(undefined));
const highs = await loadHighsBackend();
const solver = solverSetup(loaded.scenario, highs.backend);
const clock = () => performance.now();
const inputs = loadReplayInputs(loaded.scenario, loaded.texts, { seed: 1 });
const from = inputs.periodStartUtcMs - 28 * 86400000;
const hist = loadReplayInputs({ ...loaded.scenario, period: { start: new Date(from).toISOString(), end: new Date(inputs.periodStartUtcMs).toISOString() } }, loaded.texts, { seed: 1 });
const fc = learnArrivalForecast(hist.sessions, inputs.site.zone, from, inputs.periodStartUtcMs, { arrivalBinMinutes: 60, stayBinMinutes: 120, energyShare: 1.5 });
const off = runReplay(inputs, 'offline', { solver, clock });
const mpc = runReplay(inputs, 'mpc', { solver, clock, controller: mpcController(inputs, solver, { variant: 'robust', demandCharge: 'full', peakHintKw: Number(process.env.HINT ?? 0), ...(process.env.FC ? { forecast: fc } : {}) }) });
const fmt = (t: number) => new Date(t - 7 * 3600000).toISOString().slice(5, 16);
// Monday+Tuesday, every slot 6:00-20:00
for (let k = 0; k < off.slots.startUtcMs.length; k++) {
  const t = off.slots.startUtcMs[k]!;
  const h = new Date(t - 7 * 3600000).getUTCHours();
  if (k > 96 * 5 || h < 6 || h > 20) continue;
  if (mpc.slots.importKw[k]! < 15.7 && !(k>0 && mpc.slots.importKw[k-1]! >= 15.7)) continue;
  console.log(fmt(t), off.slots.importPricePerKwh[k]!.toFixed(3), 'off', off.slots.importKw[k]!.toFixed(1), off.slots.pluggedVehicles[k], 'mpc', mpc.slots.importKw[k]!.toFixed(1), mpc.slots.pluggedVehicles[k]);
}
console.log('---');
for (let k = 0; k < 60; k++) {
  const t = off.slots.startUtcMs[k]!;
  if (off.slots.importKw[k]! + mpc.slots.importKw[k]! === 0) continue;
  console.log(fmt(t), 'off', off.slots.importKw[k]!.toFixed(1), 'mpc', mpc.slots.importKw[k]!.toFixed(1), off.slots.pluggedVehicles[k]);
}
for (const s of inputs.sessions.slice(0, 14)) {
  const o = off.sessions.find((x) => x.session.id === s.id)!; const m = mpc.sessions.find((x) => x.session.id === s.id)!;
  console.log(s.id, fmt(s.arrivalUtcMs), fmt(s.departureUtcMs), 'demand', s.demandKwh.toFixed(1), 'off', o.chargedKwh.toFixed(1), 'mpc', m.chargedKwh.toFixed(1));
}
console.log('--- per charger 8:15-13:15 off | mpc');
const ids = [...new Set(inputs.sessions.slice(0, 11).map((s) => s.charger.id))];
for (let k = 33; k < 54; k++) {
  const row = ids.map((id) => {
    const o = off.chargerPowerKw.find((c) => c.chargerId === id)?.powerKw[k] ?? 0;
    const m = mpc.chargerPowerKw.find((c) => c.chargerId === id)?.powerKw[k] ?? 0;
    return `${o.toFixed(1).padStart(4)}|${m.toFixed(1).padEnd(4)}`;
  });
  console.log(fmt(off.slots.startUtcMs[k]!).slice(6), row.join(' '));
}
console.log(ids.join(' '), inputs.sessions.slice(0, 11).map((s) => s.charger.id + '@' + fmt(s.arrivalUtcMs).slice(6)).join(' '));
