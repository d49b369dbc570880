/**
 * Liveness and readiness (public). Live: the process answers. Ready: the service has started (store connected,
 * worker role: taking jobs), the store answers, and shutdown has not begun (503 problem+json otherwise, so a load
 * balancer drains the instance). The solver threads' warm-up is shown (`solverPool`: warming up, warm) but does not
 * hold readiness back: a job that comes meanwhile waits in the pool's queue for a thread.
 *
 * GET /health/live | GET /health/ready
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { serviceError } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { errorResponses } from '../schemas/common.ts';

const HealthSchema = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

export const healthRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['health'];
  app.get('/health/live', { schema: { tags, summary: 'Liveness', response: { 200: HealthSchema } } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { tags, summary: 'Readiness', response: { 200: HealthSchema, ...errorResponses(503) } } }, async () => {
    let store = 'ok';
    try {
      await ctx.store.ping();
    } catch (e) {
      store = `failing: ${(e as Error).message}`;
    }
    const checks = {
      solverPool: !ctx.readiness.started ? 'starting' : (ctx.readiness.solverPool ?? 'ok'),
      queue: ctx.readiness.started ? 'ok' : 'starting',
      store,
      shutdown: ctx.readiness.closing ? 'in progress' : 'no',
    };
    if (!ctx.readiness.started || ctx.readiness.closing || store !== 'ok') {
      throw serviceError('V2G_ERR_NOT_READY', `not ready: ${Object.entries(checks).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
    return { status: 'ready', checks };
  });
};
