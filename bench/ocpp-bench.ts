/**
 * OCPP dispatch benchmark: N simulated chargers (default 1,000) connected to one OCPP server process;
 * a "dispatch" is a new plan for every charger pushed through `applyPlan` (the in-memory CSMS port, no
 * store, no optimizer). Measured: time from the dispatch to each charger receiving its SetChargingProfile
 * (p50, p99, and the last one), time until every charger's answer is processed, and server memory per
 * connection.
 *
 *   node --expose-gc bin/run-ts.mjs bench/ocpp-bench.ts                       # 1000 chargers, OCPP 1.6, 10 dispatches
 *   node --expose-gc bin/run-ts.mjs bench/ocpp-bench.ts --protocol 2.1 --chargers 1000 --dispatches 10 --record
 *
 * The chargers run in a child process (the same file, `--role sims`) so the server process is measured
 * alone; both processes stamp instants with performance.timeOrigin + performance.now() (same machine).
 * `--record` appends a section to bench/RESULTS.md (never overwrites).
 *
 * `--restart` adds the gateway-crash scenario after the dispatches: the OCPP server is closed abruptly (every
 * socket dropped, all its in-memory charger state lost; the CSMS port, i.e. the store, is kept, as Redis
 * would be) and a fresh server starts on the same port. Measured: from the crash until every charger holds
 * the plan in force again (its SetChargingProfile for its running transaction accepted). The chargers
 * reconnect by themselves (backoff 50 ms .. 2 s), are discovered after the boot grace and asked for their
 * running transactions (TriggerMessage). Target: <= 30 s for 1,000 chargers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { MemoryCsmsPort } from '../adapters/ocpp/memory-csms-port.ts';
import { isOcppVersion, type OcppVersion } from '../adapters/ocpp/protocol.ts';
import { startOcppServer } from '../adapters/ocpp/server.ts';
import { SimFleet } from '../adapters/ocpp/sim/sim-fleet.ts';
import type { ChargerPlanSet } from '../adapters/ocpp/charger-plan.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'server' },
    chargers: { type: 'string', default: '1000' },
    protocol: { type: 'string', default: '1.6' },
    dispatches: { type: 'string', default: '10' },
    slots: { type: 'string', default: '96' },
    url: { type: 'string' },
    record: { type: 'boolean', default: false },
    'call-timeout-ms': { type: 'string', default: '30000' },
    restart: { type: 'boolean', default: false },
  },
});
const chargers = Number(values.chargers);
const dispatches = Number(values.dispatches);
const slots = Number(values.slots);
const protocol = values.protocol!;
if (!isOcppVersion(protocol)) throw new Error(`--protocol must be 1.6, 2.0.1 or 2.1, got ${protocol}`);
const nowEpochMs = () => performance.timeOrigin + performance.now();
const SLOT_MS = 900_000;

type ToParent = { type: 'ready' } | { type: 'received'; tag: number; atEpochMs: number[]; rejected: number };
type ToChild = { type: 'expect'; tag: number } | { type: 'stop' };

/** The first period's limit of a SetChargingProfile (W): the dispatch tag. */
function firstLimit(params: any): number {
  const schedule = params.csChargingProfiles ? params.csChargingProfiles.chargingSchedule : params.chargingProfile.chargingSchedule[0];
  return schedule.chargingSchedulePeriod[0].limit;
}

async function runSims(url: string, version: OcppVersion): Promise<void> {
  const send = (m: ToParent) => process.send!(m);
  const fleet = new SimFleet({ url, count: chargers, version, idPrefix: 'B', meterIntervalMs: 0, vehicles: false, config: { maxPeriods: 96 } });
  const byTag = new Map<number, { at: number[]; rejected: number; who: Set<string> }>();
  fleet.onReceive((c, call) => {
    if (call.action !== 'SetChargingProfile') return;
    const tag = firstLimit(call.params);
    const entry = byTag.get(tag) ?? { at: [], rejected: 0, who: new Set<string>() };
    byTag.set(tag, entry);
    if (call.reply['status'] !== 'Accepted') {
      entry.rejected += 1;
      return;
    }
    // the first accepted profile of this tag per charger
    if (entry.who.has(c.id)) return;
    entry.who.add(c.id);
    entry.at.push(call.atEpochMs);
    if (entry.who.size === chargers) send({ type: 'received', tag, atEpochMs: entry.at, rejected: entry.rejected });
  });
  process.on('disconnect', () => process.exit(1));
  await fleet.start();
  await fleet.plugInAll();
  send({ type: 'ready' });
  process.on('message', (m: ToChild) => {
    if (m.type === 'stop') void fleet.stop().finally(() => process.exit(0));
  });
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

function planFor(ids: string[], tag: number, startUtcMs: number): ChargerPlanSet {
  return {
    planId: `dispatch-${tag}`,
    evses: ids.map((chargerId, c) => ({
      chargerId, evseId: 1, startUtcMs, slotMs: SLOT_MS,
      // a realistic shape: the tag in slots 0 and 1 (still first if a slot boundary passes during the
      // dispatch), then a level change every 4 slots (~24 periods for 96 slots)
      powerKw: Array.from({ length: slots }, (_, t) => (t < 2 ? tag / 1000 : ((Math.floor(t / 4) + c) % 5) * 2.2)),
    })),
  };
}

async function runServer(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc?.();
      await new Promise((r) => setTimeout(r, 50));
    }
    return process.memoryUsage();
  };
  const port = new MemoryCsmsPort({ maxEvents: 1_000 });
  const serverOptions = {
    host: '127.0.0.1', csms: port, logger: pino({ level: 'silent' }), autoRegister: true,
    callTimeoutMs: Number(values['call-timeout-ms']), pingIntervalMs: 300_000,
  };
  let server = await startOcppServer({ ...serverOptions, port: 0, registry: new Registry() });
  const before = await settle();
  const child: ChildProcess = fork(resolve(dirname(fileURLToPath(import.meta.url)), '../bin/run-ts.mjs'), [fileURLToPath(import.meta.url), '--role', 'sims', '--url', server.url, '--chargers', String(chargers), '--protocol', protocol], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: ToParent[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (m: ToParent) => {
    messages.push(m);
    wake?.();
  });
  const next = async <T extends ToParent['type']>(type: T, tag?: number, timeoutMs = 120_000): Promise<Extract<ToParent, { type: T }>> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const i = messages.findIndex((m) => m.type === type && (tag === undefined || (m as { tag?: number }).tag === tag));
      if (i >= 0) return messages.splice(i, 1)[0] as Extract<ToParent, { type: T }>;
      if (Date.now() > until) throw new Error(`timed out waiting for ${type}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };
  const loadAtStart = loadavg()[0]!;
  const connectStarted = Date.now();
  const giveUp = (why: string) => {
    const phases: Record<string, number> = {};
    for (const id of server.connectedChargers()) phases[server.chargerPhase(id)!] = (phases[server.chargerPhase(id)!] ?? 0) + 1;
    console.error(`ocpp-bench: ${why}; connected ${server.connectedChargers().length}, sessions ${port.sessions.size}, phases ${JSON.stringify(phases)}`);
    child.kill();
    process.exit(1);
  };
  child.once('exit', (code) => {
    if (code !== 0) giveUp(`the simulator process exited with ${code}`);
  });
  await next('ready', undefined, 300_000).catch(() => giveUp('the chargers did not all start within 300 s'));
  const readyBy = Date.now() + 60_000;
  while (port.sessions.size < chargers || server.connectedChargers().some((id) => server.chargerPhase(id) !== 'ready')) {
    if (Date.now() > readyBy) giveUp('not every charger became ready with a session within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const connectMs = Date.now() - connectStarted;
  const after = await settle();
  const ids = server.connectedChargers().sort();

  const perDispatch: { p50: number; p99: number; last: number; allAcceptedMs: number; applyPlanMs: number; rejected: number }[] = [];
  const pooled: number[] = [];
  for (let k = 1; k <= dispatches + 1; k++) {
    const tag = 5000 + 100 * k;
    const startUtcMs = Date.now() - (Date.now() % SLOT_MS);
    const plan = planFor(ids, tag, startUtcMs);
    const t0 = nowEpochMs();
    server.applyPlan(plan);
    const applyPlanMs = nowEpochMs() - t0;
    await server.whenIdle();
    const allAcceptedMs = nowEpochMs() - t0;
    const got = await next('received', tag, 60_000).catch(() => giveUp(`dispatch ${k} did not reach every charger within 60 s`));
    const latencies = got.atEpochMs.map((at) => at - t0).sort((a, b) => a - b);
    if (k === 1) continue; // warm-up: first compile of the schemas and code paths
    pooled.push(...latencies);
    perDispatch.push({ p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), last: latencies.at(-1)!, allAcceptedMs, applyPlanMs, rejected: got.rejected });
    await new Promise((r) => setTimeout(r, 200));
  }
  // The gateway-crash scenario: the server's state is lost, the store (port) is kept; a new server takes
  // the same TCP port, and the plan in force (naming each charger's running transaction) is handed to it
  // at once, as the service's gateway does from the store; it reaches each charger once it is back.
  let restart: { allBackMs: number; reconnectedMs: number; p50: number; p99: number; rejected: number } | undefined;
  if (values.restart) {
    const tag = 9000;
    const startUtcMs = Date.now() - (Date.now() % SLOT_MS);
    const running = new Map([...port.sessions.values()].filter((s) => s.endedUtcMs === undefined).map((s) => [s.chargerId, s.transactionId]));
    const plan = planFor(ids, tag, startUtcMs);
    const bound: ChargerPlanSet = { ...plan, evses: plan.evses.map((e) => ({ ...e, transactionId: running.get(e.chargerId)! })) };
    const listenPort = server.port;
    const t0 = nowEpochMs();
    await server.close();
    server = await startOcppServer({ ...serverOptions, port: listenPort, registry: new Registry() });
    server.applyPlan(bound);
    const got = await next('received', tag, 300_000).catch(() => giveUp('after the restart, the plan did not reach every charger within 300 s'));
    const allBackMs = nowEpochMs() - t0;
    const reconnectedMs = server.connectedChargers().length === chargers ? allBackMs : NaN;
    const latencies = got.atEpochMs.map((at) => at - t0).sort((a, b) => a - b);
    restart = { allBackMs: latencies.at(-1)!, reconnectedMs, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), rejected: got.rejected };
  }
  child.removeAllListeners('exit');
  child.send({ type: 'stop' } satisfies ToChild);
  await new Promise((r) => child.once('exit', r));
  await server.close();

  pooled.sort((a, b) => a - b);
  const lasts = perDispatch.map((d) => d.last).sort((a, b) => a - b);
  const med = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
  const f = (x: number) => x.toFixed(0);
  const heapPerConnKb = (after.heapUsed - before.heapUsed) / chargers / 1024;
  const rssPerConnKb = (after.rss - before.rss) / chargers / 1024;
  const cpu = cpus();
  const command = `node --expose-gc bin/run-ts.mjs bench/ocpp-bench.ts --chargers ${chargers} --protocol ${protocol} --dispatches ${dispatches} --slots ${slots}${values.restart ? ' --restart' : ''}`;
  const lines = [
    '',
    `## OCPP dispatch to ${chargers} chargers, OCPP ${protocol} (bench/ocpp-bench.ts)`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this ${cpu.length}-core machine (${cpu[0]?.model.trim() ?? '?'}, node ${process.version}); chargers simulated in a second process on the same machine; 1-minute load average ${loadAtStart.toFixed(1)} at the start (other work shares the machine).`,
    `Exact command: \`${command}\`${gc ? '' : ' (without --expose-gc: memory figures include garbage)'}.`,
    `A dispatch = a new ${slots}-slot plan (15-minute slots, ~24 periods per profile after merging) for all ${chargers} chargers through \`applyPlan\` with the in-memory CSMS port; ${dispatches} dispatches after one warm-up. Target: p99 <= 1 s.`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| dispatch -> SetChargingProfile received, per charger, p50 / p99 (pooled over ${dispatches} dispatches) | ${f(quantile(pooled, 0.5))} / ${f(quantile(pooled, 0.99))} ms |`,
    `| dispatch -> last charger received, median / worst of ${dispatches} | ${f(med(lasts))} / ${f(lasts.at(-1)!)} ms |`,
    `| dispatch -> every answer processed (server idle), median | ${f(med(perDispatch.map((d) => d.allAcceptedMs)))} ms |`,
    `| applyPlan call itself (synchronous part), median | ${med(perDispatch.map((d) => d.applyPlanMs)).toFixed(1)} ms |`,
    `| profiles not accepted | ${perDispatch.reduce((s, d) => s + d.rejected, 0)} |`,
    `| connect + boot + discovery + session start of all chargers | ${(connectMs / 1000).toFixed(1)} s |`,
    `| server memory per connection (heap used / RSS, after GC) | ${heapPerConnKb.toFixed(1)} / ${rssPerConnKb.toFixed(1)} KiB |`,
    ...(restart
      ? [
          `| gateway crash (state lost, store kept) -> every charger holds the plan in force again (target <= 30 s) | ${(restart.allBackMs / 1000).toFixed(1)} s |`,
          `| gateway crash -> a charger holds the plan again, p50 / p99 | ${(restart.p50 / 1000).toFixed(1)} / ${(restart.p99 / 1000).toFixed(1)} s |`,
          `| profiles not accepted after the crash | ${restart.rejected} |`,
        ]
      : []),
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  if (values.record) await appendFile(resolve(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md'), text);
}

if (values.role === 'sims') await runSims(values.url!, protocol);
else await runServer();
