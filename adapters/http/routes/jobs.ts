/**
 * Re-plan jobs (from 202 answers): state, attempts, failure, and the plan made.
 *
 * GET /v1/jobs/{jobId} (read)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { readErrors } from '../schemas/common.ts';
import { JobParams, JobSchema } from '../schemas/job.ts';
import { jobView } from '../views/job-view.ts';

export const jobRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/jobs/:jobId',
    { config: { scope: 'read' }, schema: { tags: ['jobs'], summary: 'A re-plan job', params: JobParams, response: { 200: JobSchema, ...readErrors() } } },
    async (request) => {
      const job = await ctx.queue.getJob(request.params.jobId);
      if (!job) throw notFound('job', request.params.jobId, 'jobId');
      return jobView(job);
    },
  );
};
