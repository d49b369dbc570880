/**
 * Prometheus metrics (public, for scraping): GET /metrics. Queue gauges are refreshed on each scrape.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../service/context.ts';

export const metricsRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics', hide: false } }, async (_request, reply) => {
    const counts = await ctx.queue.counts();
    for (const [state, n] of Object.entries(counts)) ctx.metrics.queueJobs.labels(state).set(n);
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
};
