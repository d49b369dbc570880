/**
 * The problem types: what each `V2G_ERR_...` code in a problem document's `type` (/problems/<code>)
 * means, its HTTP status and whether retrying can help (public).
 *
 * GET /problems | GET /problems/{code}
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allErrorCodes, notFound } from '../../errors.ts';
import { readErrors } from '../schemas/common.ts';

const ProblemTypeSchema = Type.Object({ code: Type.String(), status: Type.Integer(), title: Type.String(), retryable: Type.Boolean() });

export const problemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['problems'];
  app.get('/problems', { schema: { tags, summary: 'Every error code', response: { 200: Type.Object({ problems: Type.Array(ProblemTypeSchema) }) } } }, async () => ({
    problems: Object.entries(allErrorCodes()).map(([code, info]) => ({ code, ...info })),
  }));
  app.get(
    '/problems/:code',
    { schema: { tags, summary: 'One error code', params: Type.Object({ code: Type.String({ maxLength: 64 }) }), response: { 200: ProblemTypeSchema, ...readErrors() } } },
    async (request) => {
      const all = allErrorCodes();
      const info = Object.hasOwn(all, request.params.code) ? all[request.params.code] : undefined;
      if (!info) throw notFound('problem type', request.params.code, 'code');
      return { code: request.params.code, ...info };
    },
  );
};
