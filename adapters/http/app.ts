/**
 * The HTTP API (fastify 5): TypeBox schemas validated by TypeBox (bodies strictly, query/params/headers
 * converted), an OpenAPI document at /docs/json with its UI at /docs, RFC 9457 problem documents for every
 * error, bearer tokens with scopes, Idempotency-Key on POST, rate limits on dispatch, request ids in logs
 * and in the `x-request-id` header, and per-route latency metrics. One plugin per resource.
 */
import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { ApiToken } from '../config.ts';
import { serviceError } from '../errors.ts';
import type { ServiceContext } from '../service/context.ts';
import { installAuth } from './auth.ts';
import { lazySerializerFactory, lazyTypeBoxValidatorCompiler } from './lazy-schema-compilers.ts';
import { dashboardRoutes, type DashboardOptions } from '../dashboard/routes.ts';
import { queueDashboardPath, type QueueDashboardOptions } from './queue-dashboard-options.ts';
import { installTextParsers } from './content-types.ts';
import { connectionLimitOptions, installEarlyAnswerClose } from './connection-limits.ts';
import { frameworkErrorHandler, installProblemHandlers } from './errors.ts';
import { installIdempotency } from './idempotency.ts';
import { chargerRoutes } from './routes/chargers.ts';
import { deliveryRoutes } from './routes/delivery.ts';
import { dispatchRoutes } from './routes/dispatches.ts';
import { flexibilityRoutes } from './routes/flexibility.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { measuredDeliveryRoutes } from './routes/measured-delivery.ts';
import { planRoutes } from './routes/plans.ts';
import { portfolioRoutes } from './routes/portfolios.ts';
import { portfolioPlanRoutes } from './routes/portfolio-plans.ts';
import { portfolioDispatchRoutes } from './routes/portfolio-dispatches.ts';
import { portfolioFlexibilityRoutes } from './routes/portfolio-flexibility.ts';
import { problemRoutes } from './routes/problems.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { signalRoutes } from './routes/signals.ts';
import { siteRoutes } from './routes/sites.ts';
import { ProblemDetailsSchema } from './schemas/common.ts';

export interface HttpAppOptions {
  readonly ctx: ServiceContext;
  /** Every token accepted (configured ones plus, in demo mode, the demo token). */
  readonly tokens: readonly ApiToken[];
  /** A pino logger; default: none (tests). */
  readonly logger?: FastifyBaseLogger;
  /** Mounts the queue dashboard (queue-dashboard.ts) over these BullMQ queues; default none. */
  readonly queueDashboard?: QueueDashboardOptions;
  /** The web dashboard's options (adapters/dashboard/routes.ts): its built front end's folder, event batching. */
  readonly dashboard?: Omit<DashboardOptions, 'ctx'>;
  /** Distributed mode: the dispatch rate limit is counted on this Redis (shared by every API process). */
  readonly rateLimitRedis?: Redis;
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** A rate-limit window for people: `60 s`, `15 min`. */
function windowText(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const { ctx } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: ctx.config.bodyLimitBytes,
    ...connectionLimitOptions(ctx.config),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    // Each route's schemas compile at its first request, not at start (start-up time; lazy-schema-compilers.ts).
    schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(lazyTypeBoxValidatorCompiler);
  app.addSchema(ProblemDetailsSchema);
  installProblemHandlers(app);
  installEarlyAnswerClose(app);
  installTextParsers(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Shutting down: the answer to a request still in flight closes its connection, so a keep-alive
  // client's socket does not hold app.close() open until its idle timeout (and past the shutdown grace).
  app.addHook('onSend', async (_request, reply, payload) => {
    if (ctx.readiness.closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpDuration.labels(request.method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'V2G smart-charging service',
        version: '1',
        description:
          'Sites, sessions, signals, utility dispatch, flexibility and plans of a V2G smart-charging optimizer. Instants are RFC 3339 with an offset; ' +
          'powers kW, energies kWh, prices in the site currency. Errors are RFC 9457 application/problem+json with a stable code (see /problems).',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      tags: ['sites', 'sessions', 'signals', 'dispatch', 'flexibility', 'plans', 'jobs', 'chargers', 'portfolios', 'health', 'problems', 'dashboard'].map((name) => ({ name })),
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  installAuth(app, options.tokens, {
    browserAdminPrefixes: [queueDashboardPath],
    throttle: ctx.authThrottle,
    onThrottleError: (err) => options.logger?.warn({ err }, 'auth throttle unavailable: credentials checked without it'),
  });
  await app.register(rateLimit, {
    global: false,
    // Distributed mode: one count per token across every API process (N processes must not allow N times the limit).
    ...(options.rateLimitRedis ? { redis: options.rateLimitRedis, nameSpace: `${ctx.config.redisPrefix}:rate-limit:`, skipOnError: true } : {}),
    keyGenerator: (request) => request.principal?.name ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      serviceError('V2G_ERR_RATE_LIMITED', `rate limit of ${context.max} dispatch requests per ${windowText(ctx.config.dispatchRateLimitWindowMs)} reached; retry in ${context.after}`, [
        { pointer: '/headers/authorization', detail: 'this token is rate limited' },
      ]),
  });
  installIdempotency(app, ctx.idempotency, ctx.config.idempotencyTtlMs);

  await app.register(siteRoutes, { ctx });
  await app.register(sessionRoutes, { ctx });
  await app.register(signalRoutes, { ctx });
  await app.register(dispatchRoutes, { ctx });
  await app.register(flexibilityRoutes, { ctx });
  await app.register(planRoutes, { ctx });
  await app.register(jobRoutes, { ctx });
  await app.register(chargerRoutes, { ctx });
  await app.register(deliveryRoutes, { ctx });
  await app.register(portfolioRoutes, { ctx });
  await app.register(portfolioPlanRoutes, { ctx });
  await app.register(portfolioDispatchRoutes, { ctx });
  await app.register(portfolioFlexibilityRoutes, { ctx });
  await app.register(measuredDeliveryRoutes, { ctx });
  await app.register(healthRoutes, { ctx });
  await app.register(metricsRoutes, { ctx });
  await app.register(problemRoutes);
  await app.register(dashboardRoutes, { ctx, ...options.dashboard });
  // bull-board loads only when the dashboard is mounted (Redis mode).
  if (options.queueDashboard) await (await import('./queue-dashboard.ts')).registerQueueDashboard(app, options.queueDashboard);
  return app;
}
