/**
 * Seeding demo sites into the Redis store (adapters/service/demo-site.ts), as bench/portfolio-bench.ts and
 * bench/scale-bench.ts do before their clock starts: S generated depots of V vehicles, no schedules, no plan queued.
 * The clock of the seeding is fixed (2026-12-07 22:00 UTC), so the data stored is the same on every run and
 * every commit: the printed checksum (sha256 over each site's record, sessions in order and signals, read back
 * from Redis) must not change when the seeding is made faster.
 *
 *   npm run bench:demo-seed -- --sites 20 --vehicles 500
 *   node --cpu-prof --cpu-prof-dir /tmp/prof bin/run-ts.mjs bench/demo-seed-bench.ts --sites 5 --vehicles 500
 *
 * Prints wall and CPU seconds of this process (the seeding runs here; Redis's own CPU is not counted) and the
 * checksum. Runs on a fresh random V2G_REDIS_PREFIX, deleted afterwards.
 */
import { createHash, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ManualClock, systemClock } from '../adapters/clock.ts';
import { loadConfig } from '../adapters/config.ts';
import type { ServiceContext } from '../adapters/service/context.ts';
import { seedDemoSite } from '../adapters/service/demo-site.ts';
import { createServiceBackend } from '../adapters/service/service-backend.ts';
import { createRedisClient, waitForRedis } from '../adapters/store/redis-connection.ts';
import { deletePrefix } from '../test/adapters/store/redis-test-env.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '20' },
    vehicles: { type: 'string', default: '500' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const S = Number(values.sites);
const V = Number(values.vehicles);
const prefix = `v2g-bench-seed-${randomUUID()}`;
const config = loadConfig({ REDIS_URL: values.redis, V2G_REDIS_PREFIX: prefix, DEMO: 'false', LOG_LEVEL: 'warn', API_TOKENS: `seed:${randomUUID()}:admin` });
const backend = await createServiceBackend(config, { clock: systemClock, timers: systemClock, processName: 'v2g-seed-bench', onError: () => undefined });
try {
  await backend.ready(10_000);
  const ctx = { config, clock: new ManualClock(Date.parse('2026-12-07T22:00:00Z')), store: backend.store, queue: backend.queue } as unknown as ServiceContext;
  const siteId = (i: number) => `pf-${String(i).padStart(4, '0')}`;
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 1; i <= S; i++) await seedDemoSite(ctx, { siteId: siteId(i), vehicles: V, seed: i, schedules: false, replan: false });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const hash = createHash('sha256');
  for (let i = 1; i <= S; i++) {
    const id = siteId(i);
    hash.update(JSON.stringify([await backend.store.getSite(id), await backend.store.listSessions(id), await backend.store.getSignals(id)]));
  }
  console.log(`seeded ${S} sites x ${V} vehicles in ${wallS.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s (this process); load ${load}; checksum ${hash.digest('hex')}`);
} finally {
  await backend.close();
  const admin = createRedisClient(values.redis, 'producer');
  await waitForRedis(admin, 5000);
  await deletePrefix(admin, prefix);
  admin.disconnect();
}
