/**
 * `Idempotency-Key` on POST (IETF draft-ietf-httpapi-idempotency-key-header): a client that repeats a
 * POST with the same key and the same body gets the first response again (header
 * `Idempotent-Replayed: true`) and the request is not processed twice.
 *
 * - Keys are scoped to the caller (token name) and the request path.
 * - The fingerprint is SHA-256 over method, path with query, content type and body; the same key with
 *   another fingerprint is 422 `V2G_ERR_IDEMPOTENCY_KEY_REUSED`; a key whose first request is still
 *   running is 409 `V2G_ERR_IDEMPOTENCY_IN_FLIGHT` (retryable).
 * - Responses below 500 are remembered for IDEMPOTENCY_TTL_MS; a 5xx forgets the key so a retry runs.
 * - The check runs after authentication and schema validation (a rejected request claims no key).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { serviceError } from '../errors.ts';
import type { IdempotencyStore } from '../store/store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

export function installIdempotency(app: FastifyInstance, store: IdempotencyStore, ttlMs: number): void {
  app.decorateRequest('idempotencyKey', undefined);
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || key === '') return;
    const path = request.url;
    const scoped = `${request.principal?.name ?? '-'} ${path.split('?')[0]} ${key}`;
    const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null);
    const fingerprint = createHash('sha256').update(`${request.method}\n${path}\n${request.headers['content-type'] ?? ''}\n${body}`).digest('hex');
    const claim = await store.claim(scoped, fingerprint, ttlMs);
    if (claim.state === 'claimed') {
      request.idempotencyKey = scoped;
      return;
    }
    if (claim.state === 'in-flight') {
      throw serviceError('V2G_ERR_IDEMPOTENCY_IN_FLIGHT', 'a request with this Idempotency-Key is still being processed; retry later', [
        { pointer: '/headers/idempotency-key', detail: 'in flight' },
      ]);
    }
    if (claim.state === 'mismatch') {
      throw serviceError('V2G_ERR_IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request', [
        { pointer: '/headers/idempotency-key', detail: 'already used with another body or path' },
      ]);
    }
    const r = claim.response;
    reply.code(r.statusCode).header('content-type', r.contentType).header('idempotent-replayed', 'true');
    if (r.location) reply.header('location', r.location);
    return reply.send(r.body);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (key === undefined) return payload;
    request.idempotencyKey = undefined;
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await store.abandon(key);
      return payload;
    }
    const location = reply.getHeader('location');
    await store.complete(key, {
      statusCode: reply.statusCode,
      contentType: String(reply.getHeader('content-type') ?? 'application/json'),
      ...(typeof location === 'string' ? { location } : {}),
      body: payload,
    });
    return payload;
  });
}
