/**
 * GET /v1/events (read scope): Server-Sent Events telling an open dashboard what changed (change-feed.ts), so it
 * re-reads only then: no polling. Changes are batched per stream over `batchMs` (default 100 ms) and
 * deduplicated, then sent as one `changes` event (`data: {"changes":[{kind, siteId?, id?, atUtcMs}]}`); a
 * comment line every `heartbeatMs` (default 15 s) keeps proxies from closing an idle stream and lets the
 * browser notice a dead one. `?siteId=` limits the stream to one site (charger changes, which name a
 * charge point, are sent when the site lists it; `resync` always).
 *
 * The browser reads the stream with fetch (so the bearer token goes in the Authorization header, never in a
 * URL) and reconnects with backoff, showing "connection lost, retrying". At shutdown every stream ends first
 * (a `preClose` hook), so open dashboards never hold the server's close.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireSite } from '../http/route-helpers.ts';
import { readErrors } from '../http/schemas/common.ts';
import type { ServiceContext } from '../service/context.ts';
import { ocppAddressOf } from '../service/ocpp-charger-ids.ts';
import type { Change } from './change-feed.ts';

export interface EventStreamOptions {
  readonly batchMs?: number;
  readonly heartbeatMs?: number;
}

const key = (c: Change) => `${c.kind}\u0000${c.siteId ?? ''}\u0000${c.id ?? ''}`;

/** Which views open streams will re-read: a site's page (a stream of that site) or the overview (a stream of every site). */
export interface OpenStreams {
  watchesSite(siteId: string): boolean;
  watchesOverview(): boolean;
}

export function registerEventStream(app: FastifyInstance, ctx: ServiceContext, options: EventStreamOptions = {}): OpenStreams {
  const batchMs = options.batchMs ?? 100;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();
  const watching = new Map<string, number>();
  const watch = (key: string, by: number) => {
    const n = (watching.get(key) ?? 0) + by;
    if (n > 0) watching.set(key, n);
    else watching.delete(key);
  };
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get<{ Querystring: { siteId?: string } }>(
    '/v1/events',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['dashboard'],
        summary: 'Server-Sent Events: what changed (plan, session, charger, dispatch, site, signals); re-read on each',
        querystring: Type.Object({ siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'only this site' })) }, { additionalProperties: false }),
        response: readErrors(),
      },
    },
    async (request, reply) => {
      const siteId = request.query.siteId;
      const site = siteId === undefined ? undefined : await requireSite(ctx, siteId);
      const watchKey = siteId === undefined ? '' : `site:${siteId}`;
      let chargePoints = new Set(site?.chargers.map((c) => ocppAddressOf(c.id).chargerId) ?? []);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ at: new Date(ctx.clock.nowUtcMs()).toISOString(), ...(siteId !== undefined ? { siteId } : {}) })}\n\n`);
      const pending = new Map<string, Change>();
      let flushTimer: (() => void) | undefined;
      let beatTimer: (() => void) | undefined;
      let ended = false;
      const flush = () => {
        flushTimer = undefined;
        if (ended || pending.size === 0) return;
        res.write(`event: changes\ndata: ${JSON.stringify({ changes: [...pending.values()] })}\n\n`);
        pending.clear();
      };
      const beat = () => {
        if (ended) return;
        res.write(': beat\n\n');
        beatTimer = ctx.timers.setTimer(heartbeatMs, beat);
      };
      beatTimer = ctx.timers.setTimer(heartbeatMs, beat);
      const relevant = (c: Change) => {
        if (siteId === undefined || c.kind === 'resync') return true;
        if (c.kind === 'charger') return c.id !== undefined && chargePoints.has(c.id);
        return c.siteId === siteId;
      };
      const unsubscribe = ctx.changes.subscribe((change) => {
        if (ended || !relevant(change)) return;
        if (change.kind === 'site' && siteId !== undefined) {
          // The site's chargers may have changed: follow them.
          void ctx.store.getSite(siteId).then((s) => {
            chargePoints = new Set(s?.chargers.map((c) => ocppAddressOf(c.id).chargerId) ?? []);
          }, () => undefined);
        }
        pending.set(key(change), change);
        flushTimer ??= ctx.timers.setTimer(batchMs, flush);
      });
      const end = () => {
        if (ended) return;
        ended = true;
        unsubscribe();
        flushTimer?.();
        beatTimer?.();
        open.delete(end);
        watch(watchKey, -1);
        res.end();
      };
      open.add(end);
      watch(watchKey, 1);
      request.raw.on('close', end);
      res.on('close', end);
    },
  );
  return { watchesSite: (siteId) => watching.has(`site:${siteId}`), watchesOverview: () => watching.has('') };
}
