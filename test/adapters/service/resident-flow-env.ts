/**
 * Test setup shared by the resident-model flow tests (portfolio-flow-resident*.test.ts): a Redis prefix, producer
 * clients, PortfolioFlows and SolverPools made for the test and closed (and the prefix deleted) after it, and the
 * resident site solver of a pool as the service wires it (composition-root.ts), with the problem's version.
 * Call inside a `describeWithRedis` body.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { PortfolioFlow, type ResidentSiteSolver } from '../../../adapters/service/portfolio-flow.ts';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { closeRedisClient, deletePrefix, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';

export interface ResidentFlowEnv {
  /** Producer clients made before the tests (`clientCount` of them). */
  readonly clients: Redis[];
  /** A PortfolioFlow on the env's prefix (heartbeat 100 ms; dead after 10 s: a descheduled live worker is never taken for dead). */
  flow(processName: string, producer: Redis): PortfolioFlow;
  /** A solver pool of `size` threads, closed after the tests. */
  pool(size: number): SolverPool;
  /** The pool's resident site solver (512 MiB of models), passing the problem's version. */
  residentOf(pool: SolverPool): ResidentSiteSolver;
}

export function residentFlowEnv(name: string, clientCount: number): ResidentFlowEnv {
  const prefix = randomPrefix();
  let admin: Redis;
  const clients: Redis[] = [];
  const flows: PortfolioFlow[] = [];
  const pools: SolverPool[] = [];
  beforeAll(async () => {
    admin = await testClient('producer', `v2g-test-${name}`);
    for (let i = 0; i < clientCount; i++) clients.push(await testClient('producer', `v2g-test-${name}-${i}`));
  });
  afterAll(async () => {
    for (const f of flows) await f.close();
    for (const p of pools) await p.close();
    for (const c of clients) await closeRedisClient(c);
    await deletePrefix(admin, prefix);
    await closeRedisClient(admin);
  });
  return {
    clients,
    flow(processName, producer) {
      const workerConnection = () => createRedisClient(redisTestUrl, 'worker', { connectionName: `v2g-test-${processName}` });
      const f = new PortfolioFlow({ redis: producer, workerConnection, prefix, processName, onError: () => undefined, heartbeatMs: 100, deadAfterMs: 10_000, roundTimeoutMs: 120_000 });
      flows.push(f);
      return f;
    },
    pool(size) {
      const p = new SolverPool({ size });
      pools.push(p);
      return p;
    },
    residentOf: (pool) => (problem, key, request, version) => pool.solveResident(problem, { key, request, maxBytes: 512 * 2 ** 20, ...(version !== undefined ? { version } : {}) }, { timeLimitMs: 60_000 }),
  };
}
