/**
 * A worker killed during a portfolio coordination (Redis, processes): `v2g api` and two `v2g worker`s on one
 * Redis. A portfolio dispatch is posted (202, pending); the worker that starts its coordination is
 * SIGKILLed as soon as it logs the start; the other worker's stalled check takes the same BullMQ job over
 * once its lock lapses (QUEUE_LOCK_MS=5000) and completes it: the dispatch is split and planned, the plan
 * saved by the survivor (its site solves as BullMQ flow children; the killed worker's flow is left unread). Nothing is bounded in wall time (waits are for log lines and API states, with hang
 * guards). Children are always SIGKILLed in afterAll.
 * Run with the default coordination (aggregate-first since session 16: the survivor's ONE flow, one child per site,
 * each answering its capped plan and its uncapped LP, so `solves` is twice the child jobs) and with
 * PORTFOLIO_COORDINATION=site-columns (every site solve of every round one child job).
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RoleProcess, killAll, type LogLine } from '../role-processes.ts';
import { api, apiSession, apiTokens, pricesFromNow, simSite, waitFor } from '../service/service-process-kit.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';

const sites = ['depot-a', 'depot-b', 'depot-c'];
const sessionsPerSite = 24;

function killChain(coordination: 'default' | 'site-columns') {
  const prefix = randomPrefix();
  const env = {
    ...(coordination === 'site-columns' ? { PORTFOLIO_COORDINATION: 'site-columns' } : {}),
    REDIS_URL: redisTestUrl,
    V2G_REDIS_PREFIX: prefix,
    API_TOKENS: apiTokens,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    SOLVER_POOL_SIZE: '1',
    QUEUE_LOCK_MS: '5000',
    QUEUE_STALLED_INTERVAL_MS: '1000',
    REPLAN_DEBOUNCE_MS: '0',
    REPLAN_MAX_WAIT_MS: '0',
    REDIS_COMMAND_TIMEOUT_MS: '60000',
  };
  let admin: Redis;
  let apiProcess: RoleProcess;
  let workers: RoleProcess[];
  let base: string;

  beforeAll(async () => {
    admin = await testClient('producer', 'v2g-test-portfolio-kill');
    apiProcess = new RoleProcess('api', 'api', env);
    workers = [new RoleProcess('worker-1', 'worker', env), new RoleProcess('worker-2', 'worker', env)];
    base = await apiProcess.listening();
    await Promise.all(workers.map((w) => w.listening()));
  }, 600_000);

  afterAll(async () => {
    await killAll([apiProcess, ...workers].filter((p) => p !== undefined));
    await deletePrefix(admin, prefix);
    await closeRedisClient(admin);
  }, 600_000);

  it('the dispatch still completes: the survivor takes the same job over and plans the split', async () => {
    const now = Date.now();
    for (const id of sites) {
      expect((await api(base, 'POST', '/v1/sites', simSite(id, 0, sessionsPerSite))).status).toBe(201);
      for (let n = 1; n <= sessionsPerSite; n++) expect((await api(base, 'POST', `/v1/sites/${id}/sessions`, apiSession(n, now))).status).toBe(201);
      expect((await api(base, 'POST', `/v1/sites/${id}/signals/import-price`, pricesFromNow(now))).status).toBe(200);
    }
    await waitFor('every site planned', async () => {
      for (const id of sites) if ((await api(base, 'GET', `/v1/sites/${id}/plan`)).status !== 200) return false;
      return true;
    }, 600_000, 250);
    const portfolio = { id: 'feeder-k', name: 'Feeder K', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds: sites, sharedLimits: { importLimitKw: 300 } };
    expect((await api(base, 'POST', '/v1/portfolios', portfolio)).status).toBe(201);

    let killed: { worker: RoleProcess; jobId: string } | undefined;
    for (const worker of workers) {
      worker.watch((line: LogLine) => {
        if (killed || line.msg !== 'portfolio coordination started') return;
        worker.kill('SIGKILL');
        killed = { worker, jobId: String(line.jobId) };
      });
    }
    const start = Math.ceil(Date.now() / 900_000) * 900_000 + 2 * 900_000;
    const posted = await api(base, 'POST', '/v1/portfolios/feeder-k/dispatches?wait=false', { kind: 'import-limit', powerKw: 150, start: new Date(start).toISOString(), end: new Date(start + 4 * 900_000).toISOString() });
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    expect(posted.body.fulfilment).toBe('pending');
    const victim = await waitFor('a worker to start the coordination', () => killed, 600_000, 20);
    expect(await victim.worker.exit).toBe(-1);
    const survivor = workers.find((w) => w !== victim.worker)!;
    const saved = await waitFor('the survivor to save the portfolio plan of the killed job', () => survivor.logs.find((l) => l.msg === 'portfolio plan saved' && l.jobId === victim.jobId), 600_000);
    const d = await waitFor('the dispatch to be planned', async () => {
      const res = await api(base, 'GET', `/v1/portfolios/feeder-k/dispatches/${posted.body.id}`);
      return res.body.status !== 'pending' && res.body;
    }, 600_000, 250);
    expect(d.status).toBe('planned');
    expect(d.portfolioPlanId).toBe(saved.portfolioPlanId);
    expect(['full', 'partial']).toContain(d.fulfilment);
    expect(new Set(d.siteDispatches.map((s: { siteId: string }) => s.siteId))).toEqual(new Set(sites));
    const plan = await api(base, 'GET', '/v1/portfolios/feeder-k/plan');
    expect(plan.body).toMatchObject({ id: saved.portfolioPlanId, jobId: victim.jobId });
    // The survivor's coordination ran its site solves as BullMQ flow children, every one answered.
    if (coordination === 'site-columns') {
      expect(plan.body.solvedOn).toContain('(PORTFOLIO_COORDINATION=site-columns)');
      expect(plan.body.siteSolves).toMatchObject({ mode: 'bullmq-flow', childJobs: plan.body.solves });
    } else {
      // aggregate-first: ONE flow of one child per site; each child solved its capped plan and its uncapped LP.
      expect(plan.body.solvedOn).toContain('(PORTFOLIO_COORDINATION=aggregate-first)');
      expect(plan.body.solvedOn).toContain(`0 from the capped LP basis, ${sites.length} from the greedy crash basis of the uncapped problem, 0 on a model without a basis, 0 cold uncapped site solves`);
      expect(plan.body).toMatchObject({ iterations: 1, solves: 2 * sites.length });
      expect(plan.body.siteSolves).toMatchObject({ mode: 'bullmq-flow', flows: 1, childJobs: sites.length, plansCarried: sites.length, plansResolved: 0 });
    }
  }, 900_000);
}

describeWithRedis('portfolio coordination: a worker killed mid-job (processes on Redis; default coordination)', () => killChain('default'));
describeWithRedis('portfolio coordination: a worker killed mid-job (processes on Redis; PORTFOLIO_COORDINATION=site-columns)', () => killChain('site-columns'));
