/**
 * The queue dashboard (adapters/http/queue-dashboard.ts) on real BullMQ queues: admin only (bearer or
 * HTTP Basic with the token as password), a browser gets a Basic challenge, read-only by default, and
 * hidden from the OpenAPI document. The config refuses it without REDIS_URL.
 */
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../adapters/config.ts';
import { installAuth } from '../../../adapters/http/auth.ts';
import { installProblemHandlers } from '../../../adapters/http/errors.ts';
import { queueDashboardPath, registerQueueDashboard } from '../../../adapters/http/queue-dashboard.ts';
import { BullmqQueue } from '../../../adapters/queue/bullmq-queue.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, testClient } from '../store/redis-test-env.ts';

const adminToken = 'admin-token-0123456789';
const readToken = 'read-token-0123456789ab';
const basic = (token: string) => `Basic ${Buffer.from(`ops:${token}`).toString('base64')}`;

describeWithRedis('queue dashboard on BullMQ', () => {
  let client: Redis;
  let prefix: string;
  let queue: BullmqQueue<{ siteId: string }, unknown>;
  let app: FastifyInstance;

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-dashboard');
    prefix = randomPrefix();
    queue = new BullmqQueue<{ siteId: string }, unknown>({ name: 'replan', connection: client, prefix });
    await queue.add('replan', { siteId: 'depot-1' }, { deduplicationId: 'depot-1', delayMs: 60_000 });
    app = Fastify();
    await app.register(swagger, { openapi: { info: { title: 't', version: '1' } } });
    installProblemHandlers(app);
    installAuth(app, [
      { name: 'ops', token: adminToken, scopes: ['admin'] },
      { name: 'viewer', token: readToken, scopes: ['read'] },
    ], { browserAdminPrefixes: [queueDashboardPath] });
    await registerQueueDashboard(app, { queues: queue.bullQueues });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await queue?.close();
    await deletePrefix(client, prefix);
    await closeRedisClient(client);
  });

  it('asks a browser for HTTP Basic without credentials and refuses a wrong or non-admin token', async () => {
    const anonymous = await app.inject({ method: 'GET', url: queueDashboardPath });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect((await app.inject({ method: 'GET', url: `${queueDashboardPath}/api/queues`, headers: { authorization: basic('wrong-token-000000000') } })).statusCode).toBe(401);
    const viewer = await app.inject({ method: 'GET', url: `${queueDashboardPath}/api/queues`, headers: { authorization: basic(readToken) } });
    expect(viewer.statusCode).toBe(403);
    expect(JSON.parse(viewer.body).code).toBe('V2G_ERR_FORBIDDEN');
  });

  it('serves the UI and the queues to an admin token (Basic or Bearer), read-only by default', async () => {
    const page = await app.inject({ method: 'GET', url: queueDashboardPath, headers: { authorization: basic(adminToken) } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await app.inject({ method: 'GET', url: `${queueDashboardPath}/api/queues?activeQueue=replan&status=delayed`, headers: { authorization: `Bearer ${adminToken}` } });
    expect(api.statusCode, api.body).toBe(200);
    const body = JSON.parse(api.body) as { queues: { name: string; readOnlyMode: boolean; counts: Record<string, number> }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['replan', 'replan-schedules']);
    const replan = body.queues.find((q) => q.name === 'replan')!;
    expect(replan.readOnlyMode).toBe(true);
    expect(replan.counts.delayed).toBe(1);
  });

  it('does not show in the OpenAPI document, and a write through it needs admin too', async () => {
    const doc = app.swagger() as { paths?: Record<string, unknown> };
    expect(Object.keys(doc.paths ?? {}).filter((p) => p.startsWith(queueDashboardPath))).toEqual([]);
    const write = await app.inject({ method: 'PUT', url: `${queueDashboardPath}/api/queues/replan/pause`, headers: { authorization: basic(readToken) } });
    expect(write.statusCode).toBe(403);
  });
});

describe('QUEUE_DASHBOARD config', () => {
  it('is refused without REDIS_URL, naming the setting', () => {
    let error: unknown;
    try {
      loadConfig({ QUEUE_DASHBOARD: 'read-only', DEMO: 'true' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/QUEUE_DASHBOARD/);
  });

  it('takes off, read-only and actions with REDIS_URL', () => {
    for (const value of ['off', 'read-only', 'actions'] as const) {
      const config = loadConfig({ QUEUE_DASHBOARD: value, REDIS_URL: 'redis://127.0.0.1:6379', DEMO: 'false', API_TOKENS: `ops:${adminToken}:admin` });
      expect(config.queueDashboard).toBe(value);
    }
    expect(() => loadConfig({ QUEUE_DASHBOARD: 'yes', DEMO: 'true' })).toThrow(/QUEUE_DASHBOARD/);
  });
});
