/**
 * The operations endpoint of a process without the API (`v2g worker`, `v2g gateway`): liveness,
 * readiness and Prometheus metrics only, with the same problem+json errors as the API. No route here
 * writes anything, so none needs a token.
 *
 * GET /health/live | GET /health/ready | GET /metrics | GET /problems[/{code}]
 */
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ServiceContext } from '../service/context.ts';
import { connectionLimitOptions } from './connection-limits.ts';
import { frameworkErrorHandler, installProblemHandlers } from './errors.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { problemRoutes } from './routes/problems.ts';
import { ProblemDetailsSchema } from './schemas/common.ts';

export interface OpsAppOptions {
  readonly ctx: ServiceContext;
  readonly logger?: FastifyBaseLogger;
}

export async function buildOpsApp(options: OpsAppOptions): Promise<FastifyInstance> {
  const { ctx } = options;
  const app = Fastify({ ...(options.logger ? { loggerInstance: options.logger, logController: new LogController({ disableRequestLogging: true }) } : { logger: false }), return503OnClosing: true, frameworkErrors: frameworkErrorHandler, ...connectionLimitOptions(ctx.config) })
    .withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.addSchema(ProblemDetailsSchema);
  installProblemHandlers(app);
  await app.register(healthRoutes, { ctx });
  await app.register(metricsRoutes, { ctx });
  await app.register(problemRoutes);
  return app;
}
