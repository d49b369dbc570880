/**
 * Service benchmark: a load generator on loopback against the running service (`npm start`).
 *
 *   npm run bench:service                                   # starts `node bin/v2g.mjs start` itself (PORT=0)
 *   npm run bench:service -- --url http://127.0.0.1:8080 --token <admin token>   # against a running service
 *   options: --dispatches 200 --deliveries 40 --read-seconds 10 --concurrency 16 --vehicles 50 --seed 7
 *
 * 1. Creates a site through the API: a generated depot (scenarios/depot-generator.ts, 50 vehicles, 6 A
 *    minimum current on AC chargers) with every vehicle plugged in now, 48 h of prices, base load and PV.
 * 2. Dispatch latency: POST an import limit (random 35-80 % of the connection, random 1-3 h window in the
 *    horizon) and time until the new plan is readable: the POST answers 201 with the acknowledgement of the
 *    plan made with it, then GET /plan returns that plan (checked by id). p50, p90, p99, max. The same for
 *    export deliveries. Each dispatch is cancelled (untimed, waiting for its re-plan) before the next, so
 *    every dispatch meets the same site.
 * 3. Read throughput of GET /v1/sites/{id}/plan: `concurrency` keep-alive clients for `read-seconds`.
 * When it starts the service itself: DEMO=false (no demo site competing for the solver), a random admin
 * token in API_TOKENS, DISPATCH_RATE_LIMIT_MAX high, LOG_LEVEL=warn; otherwise all defaults.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { seededRandom } from '../scenarios/seeded-random.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    dispatches: { type: 'string', default: '200' },
    deliveries: { type: 'string', default: '40' },
    'read-seconds': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    vehicles: { type: 'string', default: '50' },
    seed: { type: 'string', default: '7' },
  },
});
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const slotMs = 900_000;
const hourMs = 3_600_000;

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function summary(name: string, ms: readonly number[]): string {
  const f = (x: number) => x.toFixed(1).padStart(7);
  return `${name.padEnd(34)} n=${String(ms.length).padStart(4)}  p50 ${f(percentile(ms, 50))}  p90 ${f(percentile(ms, 90))}  p99 ${f(percentile(ms, 99))}  max ${f(Math.max(...ms))} ms`;
}

async function startService(): Promise<{ url: string; token: string; child: ChildProcess }> {
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, ['bin/v2g.mjs', 'start'], {
    cwd: repo,
    env: { ...process.env, PORT: '0', OCPP_PORT: '0', LOG_LEVEL: 'warn', DISPATCH_RATE_LIMIT_MAX: '1000000', DEMO: 'false', API_TOKENS: `bench:${token}:admin` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const deadline = Date.now() + 120_000;
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the service did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: /listening on (http:\/\/\S+)/.exec(out)![1]!, token, child };
}

async function main(): Promise<void> {
  const started = values.url ? undefined : await startService();
  const base = values.url ?? started!.url;
  const token = values.token ?? started!.token;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  try {
    // 1. the site
    const n = Number(values.vehicles);
    const depot = generateDepot({ vehicles: n, slots: 192, seed: Number(values.seed) });
    const now = Date.now();
    const start = now - (now % slotMs);
    const iso = (ms: number) => new Date(ms).toISOString();
    const siteId = `bench-depot-${process.pid}`;
    const site = await call('POST', '/v1/sites', {
      id: siteId,
      name: `bench: ${n} vehicles`,
      timeZone: 'Europe/Berlin',
      currency: 'EUR',
      connection: { importLimitKw: depot.importLimitKw![0]!, exportLimitKw: depot.exportLimitKw![0]! },
      chargers: depot.vehicles.map((v) => ({
        id: v.chargerId,
        ...(v.acLimit ? { ac: v.acLimit } : { maxPowerKw: v.maxChargeKw as number }),
        canDischarge: v.v2gAllowed === true,
        ...(v.v2gAllowed ? { maxDischargeKw: v.maxDischargeKw as number } : {}),
      })),
      tariff: { demandCharge: { pricePerKw: 0.4 } },
    });
    if (site.status !== 201) throw new Error(`site: ${site.status} ${JSON.stringify(site.json)}`);
    const series = (unit: string, xs: readonly number[]) => ({ unit, intervals: xs.map((value, t) => ({ start: iso(start + t * slotMs), end: iso(start + (t + 1) * slotMs), value })) });
    for (const [kind, s] of [['import-price', series('EUR/kWh', depot.importPricePerKwh)], ['export-price', series('EUR/kWh', depot.exportPricePerKwh!)], ['base-load', series('kW', depot.baseLoadKw!)], ['pv', series('kW', depot.pvKw!)]] as const) {
      const r = await call('POST', `/v1/sites/${siteId}/signals/${kind}`, s);
      if (r.status !== 200) throw new Error(`${kind}: ${r.status} ${JSON.stringify(r.json)}`);
    }
    for (const v of depot.vehicles) {
      const r = await call('POST', `/v1/sites/${siteId}/sessions`, {
        id: v.id,
        chargerId: v.chargerId,
        departure: iso(start + (v.departureSlot - v.arrivalSlot) * slotMs + slotMs),
        capacityKwh: v.capacityKwh,
        energyKwh: v.energyKwh,
        targetEnergyKwh: v.targetEnergyKwh,
        minSocPercent: Math.round((100 * (v.minEnergyKwh ?? 0)) / v.capacityKwh),
        v2gConsent: v.v2gAllowed === true,
        degradationCostPerKwh: v.degradationCostPerKwh,
      });
      if (r.status !== 201) throw new Error(`session: ${r.status} ${JSON.stringify(r.json)}`);
    }
    const first = await call('POST', `/v1/sites/${siteId}/optimize`);
    if (first.status !== 200) throw new Error(`optimize: ${first.status} ${JSON.stringify(first.json).slice(0, 500)}`);
    console.log(`site ${siteId}: ${n} vehicles plugged in, ${first.json.horizon.slotCount} slots; first plan ${first.json.status.solver} in ${first.json.solver.solveMs} ms solve`);

    // 2. dispatch -> new plan readable
    const random = seededRandom(Number(values.seed));
    const connection = depot.importLimitKw![0]!;
    const window = () => {
      const from = start + Math.floor(random() * 80) * slotMs;
      return { start: iso(from), end: iso(from + (1 + Math.floor(random() * 3)) * hourMs) };
    };
    const measure = async (body: Record<string, unknown>) => {
      const t = performance.now();
      const d = await call('POST', `/v1/sites/${siteId}/dispatches`, body);
      if (d.status !== 201) throw new Error(`dispatch: ${d.status} ${JSON.stringify(d.json).slice(0, 500)}`);
      const plan = await call('GET', `/v1/sites/${siteId}/plan`);
      const ms = performance.now() - t;
      if (plan.json.id !== d.json.acknowledgement.planId) throw new Error('the plan read is not the plan acknowledged');
      return { ms, dispatch: d.json };
    };
    /** Cancels a dispatch (untimed) and waits for the re-plan without it, so every dispatch meets the same site. */
    const cancel = async (id: string) => {
      const c = await call('DELETE', `/v1/sites/${siteId}/dispatches/${id}`);
      for (let k = 0; k < 600; k++) {
        const job = await call('GET', c.json.job.href);
        if (job.json.state === 'completed' || job.json.state === 'failed') return;
        await new Promise((res) => setTimeout(res, 5));
      }
    };
    const limitMs: number[] = [];
    const fulfilment: Record<string, number> = {};
    for (let i = 0; i < Number(values.dispatches); i++) {
      const r = await measure({ kind: 'import-limit', powerKw: Math.round(connection * (0.35 + 0.45 * random())), ...window() });
      limitMs.push(r.ms);
      fulfilment[r.dispatch.acknowledgement.fulfilment] = (fulfilment[r.dispatch.acknowledgement.fulfilment] ?? 0) + 1;
      await cancel(r.dispatch.id);
    }
    const deliveryMs: number[] = [];
    const delivered: Record<string, number> = {};
    for (let i = 0; i < Number(values.deliveries); i++) {
      const r = await measure({ kind: 'export-delivery', powerKw: Math.round(10 + 60 * random()), ...window() });
      deliveryMs.push(r.ms);
      delivered[r.dispatch.acknowledgement.fulfilment] = (delivered[r.dispatch.acknowledgement.fulfilment] ?? 0) + 1;
      await cancel(r.dispatch.id);
    }

    // 3. read throughput of the plan
    const seconds = Number(values['read-seconds']);
    const concurrency = Number(values.concurrency);
    const readMs: number[] = [];
    let bytes = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          const res = await fetch(`${base}/v1/sites/${siteId}/plan`, { headers });
          bytes += (await res.arrayBuffer()).byteLength;
          if (res.status !== 200) throw new Error(`read: ${res.status}`);
          readMs.push(performance.now() - t);
        }
      }),
    );

    console.log('');
    console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(summary('dispatch import-limit -> plan read', limitMs) + `   fulfilment ${JSON.stringify(fulfilment)}`);
    console.log(summary('dispatch export-delivery -> plan read', deliveryMs) + `   fulfilment ${JSON.stringify(delivered)}`);
    console.log(summary(`GET plan (${concurrency} clients)`, readMs));
    console.log(`GET plan throughput: ${(readMs.length / seconds).toFixed(0)} req/s, ${((bytes / readMs.length) / 1024).toFixed(1)} KiB per plan`);
    console.log(`target p99 <= 200 ms for dispatch -> plan: ${percentile(limitMs, 99) <= 200 ? 'met' : 'NOT met'}`);
    await call('DELETE', `/v1/sites/${siteId}`);
  } finally {
    if (started) {
      started.child.kill('SIGTERM');
      await new Promise((r) => started.child.once('exit', r));
    }
  }
}

await main();
