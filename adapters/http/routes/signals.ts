/**
 * Signals: price series (import, export) and base-load / PV forecasts, in JSON, CSV (`text/csv`) or
 * ENTSO-E A44 XML (`application/xml`, prices only), and OpenADR 3 events (prices and capacity limits).
 * Parsing is grid/'s (csv-series, entsoe-a44, openadr3-event); every problem is named by pointer or line.
 * A new upload replaces the stored series over its own span; the site is re-planned (debounced).
 *
 * GET /v1/sites/{siteId}/signals, GET .../signals/{kind} (read)
 * POST .../signals/{kind} (dispatch) | POST .../signals/openadr3-events (dispatch)
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseCsvSeries } from '../../../grid/csv-series.ts';
import { parseEntsoeA44 } from '../../../grid/entsoe-a44.ts';
import { readOpenAdr3Event } from '../../../grid/openadr3-event.ts';
import { createSignalSeries, type SeriesInterval, type SignalSeries } from '../../../grid/signal-series.ts';
import { notFound, serviceError, type FieldIssue } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { fieldIssueOf, locateGridError } from '../../service/grid-issues.ts';
import { withOptimisticRetry } from '../../store/optimistic-update.ts';
import { isPriceKind, mergeSeries, normaliseSeries, seriesEndUtcMs, signalHistoryMs, staleIssue } from '../../service/signal-ingest.ts';
import type { SignalKind, SiteRecord, SiteSignalsRecord } from '../../store/records.ts';
import { csvMediaTypes, xmlMediaTypes } from '../content-types.ts';
import { rejectIfIssues, replanAfterWrite, requireSite } from '../route-helpers.ts';
import { PostHeaders, SiteParams, readErrors, writeErrors } from '../schemas/common.ts';
import {
  CsvQuerySchema,
  OpenAdrEventBodySchema,
  SeriesInputSchema,
  SeriesViewSchema,
  SignalParams,
  SignalUploadResultSchema,
  SignalsOverviewSchema,
  type CsvQuery,
  type SeriesInput,
} from '../schemas/signal.ts';
import { jobLink } from '../views/job-view.ts';
import { seriesSummary, seriesView, signalsOverview } from '../views/signal-view.ts';
import { readInstant } from '../wire-time.ts';
import { seriesExample, openAdrEventExample, withExample } from '../schemas/request-examples.ts';

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function fromJson(input: SeriesInput): SignalSeries {
  const issues: FieldIssue[] = [];
  const intervals: SeriesInterval[] = input.intervals.map((iv, i) => ({
    startUtcMs: readInstant(iv.start, `/body/intervals/${i}/start`, issues),
    endUtcMs: readInstant(iv.end, `/body/intervals/${i}/end`, issues),
    value: iv.value,
  }));
  rejectIfIssues(issues, 'the series is not usable');
  return createSignalSeries(input.unit, intervals, { what: 'The series' });
}

function fromCsv(text: string, q: CsvQuery): SignalSeries {
  if (q.valueColumn === undefined) {
    rejectIfIssues([{ pointer: '/query/valueColumn', detail: 'is required for a CSV body (e.g. price_eur_per_mwh, power_kw)' }], 'the CSV cannot be read');
  }
  return parseCsvSeries(text, {
    startColumn: q.startColumn ?? 'interval_start',
    valueColumn: q.valueColumn!,
    ...(q.endColumn !== undefined ? { endColumn: q.endColumn } : {}),
    ...(q.resolution !== undefined ? { resolution: q.resolution } : {}),
    ...(q.unit !== undefined ? { unit: q.unit } : {}),
    ...(q.delimiter !== undefined ? { delimiter: q.delimiter } : {}),
  });
}

export const signalRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['signals'];

  /** Stores normalised series and limits, re-plans, and answers with what was stored. */
  /** `limits` gives the capacity limits to keep from those stored (undefined: keep them all). */
  type Limits = (stored: SiteSignalsRecord['capacityLimits']) => SiteSignalsRecord['capacityLimits'];
  const store = async (reply: FastifyReply, site: SiteRecord, updates: Partial<Record<SignalKind, SignalSeries>>, limits: Limits | undefined, unsupported: FieldIssue[], reason: string) => {
    // Merged onto what is stored, and merged again if another upload to this site landed meanwhile.
    const { stored } = await withOptimisticRetry(async () => {
      const now = ctx.clock.nowUtcMs();
      const old = await ctx.store.getSignals(site.id);
      const series = { ...old.series };
      const stored = [];
      try {
        for (const [kind, s] of Object.entries(updates) as [SignalKind, SignalSeries][]) {
          series[kind] = mergeSeries(old.series[kind], normaliseSeries(kind, s, site.currency), now - signalHistoryMs);
          stored.push(seriesSummary(kind, series[kind], site.timeZone));
        }
      } catch (e) {
        throw locateGridError(e, '/body');
      }
      await ctx.store.putSignals(site.id, { series, capacityLimits: limits?.(old.capacityLimits) ?? old.capacityLimits, updatedAtUtcMs: now }, { expectedRevision: old.revision });
      return { stored };
    }, { key: `signals ${site.id}` });
    const outcome = await replanAfterWrite(ctx, reply, site.id, reason);
    return { stored, capacityLimits: 0, unsupported, ...(outcome.status === 'queued' ? { replan: jobLink(outcome.job) } : { replanDeferred: outcome.reason }) };
  };

  app.get(
    '/v1/sites/:siteId/signals',
    { config: { scope: 'read' }, schema: { tags, summary: 'What signals a site has', params: SiteParams, response: { 200: SignalsOverviewSchema, ...readErrors() } } },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      return signalsOverview(await ctx.store.getSignals(site.id), site.timeZone);
    },
  );

  app.get(
    '/v1/sites/:siteId/signals/:kind',
    { config: { scope: 'read' }, schema: { tags, summary: 'One stored series (normalised units)', params: SignalParams, response: { 200: SeriesViewSchema, ...readErrors() } } },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      const s = (await ctx.store.getSignals(site.id)).series[request.params.kind];
      if (!s) throw notFound('signal', request.params.kind, 'kind');
      return seriesView(request.params.kind, s, site.timeZone);
    },
  );

  app.post(
    '/v1/sites/:siteId/signals/:kind',
    {
      config: { scope: 'dispatch' },
      schema: {
        tags,
        summary: 'Post a series: JSON, CSV (query names the columns) or ENTSO-E A44 XML (prices)',
        params: SignalParams,
        querystring: CsvQuerySchema,
        headers: PostHeaders,
        body: {
          content: {
            'application/json': { schema: withExample(SeriesInputSchema, seriesExample) },
            'text/csv': { schema: Type.String({ minLength: 1 }) },
            'application/xml': { schema: Type.String({ minLength: 1 }) },
            'text/xml': { schema: Type.String({ minLength: 1 }) },
          },
        },
        response: { 200: SignalUploadResultSchema, ...writeErrors() },
      },
    },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      const kind = request.params.kind;
      const type = mediaType(request.headers['content-type']);
      const body = request.body as unknown;
      let series: SignalSeries;
      try {
        if (csvMediaTypes.includes(type)) series = fromCsv(String(body), request.query);
        else if (xmlMediaTypes.includes(type)) {
          if (!isPriceKind(kind)) rejectIfIssues([{ pointer: '/params/kind', detail: 'an ENTSO-E A44 document holds prices: post it to import-price or export-price' }], 'wrong signal kind');
          series = parseEntsoeA44(String(body));
        } else if (type === 'application/json') series = fromJson(body as SeriesInput);
        else throw serviceError('V2G_ERR_UNSUPPORTED_MEDIA_TYPE', `${type} is not accepted: use application/json, text/csv or application/xml`, [{ pointer: '/headers/content-type', detail: 'unsupported' }]);
      } catch (e) {
        throw locateGridError(e, '/body');
      }
      const stale = staleIssue(seriesEndUtcMs(series), ctx.clock.nowUtcMs() - signalHistoryMs, site.timeZone, '/body');
      rejectIfIssues(stale ? [stale] : [], 'the series is too old to store');
      return store(reply, site, { [kind]: series }, undefined, [], `${kind} signal`);
    },
  );

  app.post(
    '/v1/sites/:siteId/signals/openadr3-events',
    {
      config: { scope: 'dispatch' },
      schema: {
        tags,
        summary: 'Post an OpenADR 3 event: PRICE, EXPORT_PRICE, IMPORT_/EXPORT_CAPACITY_LIMIT (other payloads are listed as unsupported)',
        params: SiteParams,
        headers: PostHeaders,
        body: withExample(OpenAdrEventBodySchema, openAdrEventExample),
        response: { 200: SignalUploadResultSchema, ...writeErrors() },
      },
    },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      const now = ctx.clock.nowUtcMs();
      let event;
      try {
        event = readOpenAdr3Event(request.body, { openEndedUntilUtcMs: now + ctx.config.horizonHours * 3_600_000 });
      } catch (e) {
        throw locateGridError(e, '/body');
      }
      const origin = `openadr3:${event.eventId ?? event.programId}`;
      const keepFrom = now - signalHistoryMs;
      // Parts older than the history kept are not stored (prices nor limits) and are listed as such.
      const tooOld: FieldIssue[] = [];
      const freshLimits = event.capacityLimits.filter((l) => l.endUtcMs > keepFrom);
      if (freshLimits.length < event.capacityLimits.length) {
        tooOld.push(staleIssue(Math.max(...event.capacityLimits.filter((l) => l.endUtcMs <= keepFrom).map((l) => l.endUtcMs)), keepFrom, site.timeZone, '/body/intervals')!);
      }
      const updates: Partial<Record<SignalKind, SignalSeries>> = {};
      for (const [kind, series] of [['import-price', event.importPrice], ['export-price', event.exportPrice]] as const) {
        if (!series) continue;
        const stale = staleIssue(seriesEndUtcMs(series), keepFrom, site.timeZone, '/body/intervals');
        if (stale) tooOld.push({ ...stale, detail: `the ${kind} payload ${stale.detail}` });
        else updates[kind] = series;
      }
      if (Object.keys(updates).length === 0 && freshLimits.length === 0) {
        if (tooOld.length > 0) rejectIfIssues(tooOld, 'the event is too old to store');
        throw serviceError('V2G_ERR_REQUEST_INVALID', 'the event carries no payload this service uses (PRICE, EXPORT_PRICE, IMPORT_CAPACITY_LIMIT, EXPORT_CAPACITY_LIMIT)', [
          { pointer: '/body/intervals', detail: 'no supported payload' },
          ...event.unsupported.map((i) => fieldIssueOf(i, '/body')),
        ]);
      }
      const limits: Limits = (stored) => [...stored.filter((l) => l.origin !== origin && l.endUtcMs > keepFrom), ...freshLimits.map((l) => ({ ...l, origin }))];
      const unsupported = [...event.unsupported.map((i) => fieldIssueOf(i, '/body')), ...tooOld];
      const result = await store(reply, site, updates, limits, unsupported, `openadr3 event ${event.eventId ?? event.programId}`);
      return { ...result, capacityLimits: freshLimits.length };
    },
  );
};
