/**
 * Portfolios: named groups of sites (a feeder, a market portfolio) with shared import/export limits over
 * time. Members must exist when a portfolio is written; a site deleted later is shown in `missingSiteIds`.
 * Revisions, ETags and If-Match work as for sites (revision-headers.ts).
 *
 * GET /v1/portfolios (read) | POST /v1/portfolios (admin, 201) | GET/PUT/DELETE /v1/portfolios/{portfolioId} (read/admin/admin)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound, serviceError, type FieldIssue } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { replanPortfoliosInUse } from '../../service/portfolio-member-change.ts';
import { feederMembershipIssues, portfolioSpecIssues, type PortfolioSpec } from '../../service/portfolio-validation.ts';
import type { PortfolioRecord } from '../../store/portfolio-store.ts';
import { StoreConflictError } from '../../store/store-conflict.ts';
import { conditionalUpdate, readIfMatch, requireIfMatch, setEtag } from '../revision-headers.ts';
import { conflictIfIssues, newId, rejectIfIssues } from '../route-helpers.ts';
import { ConditionalHeaders, PostHeaders, conditionalWriteErrors, readErrors, writeErrors } from '../schemas/common.ts';
import { PortfolioCreateSchema, PortfolioListSchema, PortfolioParams, PortfolioReplaceSchema, PortfolioSchema } from '../schemas/portfolio.ts';
import { portfolioSpecOf, portfolioView } from '../views/portfolio-view.ts';
import { portfolioCreateExample, portfolioReplaceExample, withExample } from '../schemas/request-examples.ts';

/** The portfolio, or a 404 naming `/params/portfolioId`. */
export async function requirePortfolio(ctx: ServiceContext, portfolioId: string): Promise<PortfolioRecord> {
  const portfolio = await ctx.portfolios.get(portfolioId);
  if (!portfolio) throw notFound('portfolio', portfolioId, 'portfolioId');
  return portfolio;
}

async function siteIdSet(ctx: ServiceContext): Promise<Set<string>> {
  return new Set((await ctx.store.listSites()).map((s) => s.id));
}

/** Reads and checks a body: 422 for rule violations, 409 for a site in another feeder; nothing is stored yet. */
async function checkedSpec(ctx: ServiceContext, spec: PortfolioSpec, timeIssues: readonly FieldIssue[]): Promise<void> {
  rejectIfIssues([...timeIssues, ...portfolioSpecIssues(spec, await siteIdSet(ctx))], 'the portfolio is not usable');
  conflictIfIssues(feederMembershipIssues(spec, await ctx.portfolios.list()), 'the portfolio cannot take these sites');
}

export const portfolioRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['portfolios'];
  const view = async (p: PortfolioRecord) => portfolioView(p, await siteIdSet(ctx));

  app.get('/v1/portfolios', { config: { scope: 'read' }, schema: { tags, summary: 'List portfolios', response: { 200: PortfolioListSchema, ...readErrors() } } }, async () => {
    const [portfolios, sites] = await Promise.all([ctx.portfolios.list(), siteIdSet(ctx)]);
    return { portfolios: portfolios.map((p) => portfolioView(p, sites)) };
  });

  app.post(
    '/v1/portfolios',
    {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Create a portfolio of sites', headers: PostHeaders, body: withExample(PortfolioCreateSchema, portfolioCreateExample), response: { 201: PortfolioSchema, ...writeErrors() } },
    },
    async (request, reply) => {
      const now = ctx.clock.nowUtcMs();
      const { id: given, ...rest } = request.body;
      const id = given ?? newId('portfolio');
      const timeIssues: FieldIssue[] = [];
      const spec = portfolioSpecOf(id, rest, timeIssues);
      await checkedSpec(ctx, spec, timeIssues);
      const exists = () => serviceError('V2G_ERR_CONFLICT', `portfolio "${id}" already exists; PUT /v1/portfolios/${id} replaces it`, [{ pointer: '/body/id', detail: 'already exists' }]);
      let stored: PortfolioRecord;
      try {
        stored = await ctx.portfolios.put({ ...spec, createdAtUtcMs: now, updatedAtUtcMs: now }, { expectedRevision: 0 });
      } catch (error) {
        throw error instanceof StoreConflictError ? exists() : error;
      }
      reply.code(201).header('location', `/v1/portfolios/${id}`);
      setEtag(reply, stored.revision);
      return view(stored);
    },
  );

  app.get(
    '/v1/portfolios/:portfolioId',
    { config: { scope: 'read' }, schema: { tags, summary: 'A portfolio', params: PortfolioParams, response: { 200: PortfolioSchema, ...readErrors() } } },
    async (request, reply) => {
      const p = await requirePortfolio(ctx, request.params.portfolioId);
      setEtag(reply, p.revision);
      return view(p);
    },
  );

  app.put(
    '/v1/portfolios/:portfolioId',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Replace a portfolio; If-Match makes it conditional',
        params: PortfolioParams,
        headers: ConditionalHeaders,
        body: withExample(PortfolioReplaceSchema, portfolioReplaceExample),
        response: { 200: PortfolioSchema, ...conditionalWriteErrors() },
      },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request.headers['if-match']);
      const stored = await conditionalUpdate(ifMatch, `portfolio "${request.params.portfolioId}"`, async () => {
        const now = ctx.clock.nowUtcMs();
        const old = await requirePortfolio(ctx, request.params.portfolioId);
        requireIfMatch(ifMatch, `portfolio "${old.id}"`, old.revision);
        const timeIssues: FieldIssue[] = [];
        const spec = portfolioSpecOf(old.id, request.body, timeIssues);
        await checkedSpec(ctx, spec, timeIssues);
        return ctx.portfolios.put({ ...spec, createdAtUtcMs: old.createdAtUtcMs, updatedAtUtcMs: now }, { expectedRevision: old.revision });
      });
      setEtag(reply, stored.revision);
      // In use: coordinated again with its new members and limits (dispatch shares split again).
      try {
        if ((await replanPortfoliosInUse(ctx, [stored.id], `portfolio ${stored.id} replaced (revision ${stored.revision})`)).length > 0) reply.header('portfolio-replans', stored.id);
      } catch (error) {
        request.log.warn({ err: error, portfolioId: stored.id }, 'portfolio replaced; queueing its coordination failed (the next portfolio request does it)');
      }
      return view(stored);
    },
  );

  app.delete(
    '/v1/portfolios/:portfolioId',
    { config: { scope: 'admin' }, schema: { tags, summary: 'Delete a portfolio (its sites stay)', params: PortfolioParams, response: { 204: Type.Null(), ...readErrors() } } },
    async (request, reply) => {
      const p = await requirePortfolio(ctx, request.params.portfolioId);
      await ctx.portfolios.delete(p.id);
      return reply.code(204).send(null);
    },
  );
};
