/**
 * The optional queue dashboard (bull-board) at `/admin/queues`, for operators of the distributed mode:
 * the re-plan jobs and the schedule ticks of BullMQ, with their data, failures and retries.
 *
 * Behind authentication: auth.ts treats the path as a browser admin area (admin scope on every route,
 * HTTP Basic with an admin token as the password, so a browser prompts). Read-only unless
 * `allowActions`: retrying or cleaning jobs by hand bypasses the service's slot records
 * (adapters/queue/bullmq-queue.ts), so the default only looks. Hidden from the OpenAPI document.
 * app.ts imports this file only when the dashboard is mounted (Redis mode): bull-board is not loaded otherwise.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { queueDashboardPath, type QueueDashboardOptions } from './queue-dashboard-options.ts';

export { queueDashboardPath, type QueueDashboardOptions } from './queue-dashboard-options.ts';

export async function registerQueueDashboard(app: FastifyInstance, options: QueueDashboardOptions): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({
    queues: options.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: options.allowActions !== true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'v2g queues' } },
  });
  serverAdapter.setBasePath(queueDashboardPath);
  await app.register(
    async (child) => {
      child.addHook('onRoute', (route) => {
        route.schema = { ...(route.schema ?? {}), hide: true } as typeof route.schema;
      });
      await child.register(serverAdapter.registerPlugin(), { prefix: queueDashboardPath });
    },
  );
}
