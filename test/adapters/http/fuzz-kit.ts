/**
 * What the route fuzzers share: body mutations, the "well-behaved answer" check, a client that asserts a
 * rejected request changed nothing, and the routes a service has served (from its own latency metric)
 * versus those its OpenAPI document lists, so a test can prove every route was fuzzed.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Harness, Role } from '../service-harness.ts';

/** A valid body with one change: a field replaced by a random value, deleted, or an unknown field added. */
export function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), fc.jsonValue()).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.constantFrom(...keys).map((k) => {
      const { [k]: _gone, ...rest } = valid;
      return rest;
    }),
    fc.tuple(fc.string({ maxLength: 12 }), fc.jsonValue()).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.jsonValue(),
    fc.constant(valid),
  );
}

const numbersAndTimes = fc.oneof(
  fc.double({ noNaN: true, min: -1e7, max: 1e7 }),
  fc.integer({ min: -10, max: 10 }),
  fc.date({ min: new Date('1969-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2025-06-02T10:00:00', '2025-13-01T00:00:00Z', '2025-06-02T23:59:60Z', ''),
);

/** A valid body whose numeric and instant fields get edge values. */
export function withEdges(valid: Record<string, unknown>, fields: string[]): fc.Arbitrary<unknown> {
  return fc.record(Object.fromEntries(fields.map((f) => [f, numbersAndTimes]))).map((edges) => ({ ...valid, ...edges }));
}

/** A path segment: one of the given ids, or any string (encoded). */
export function pathId(...known: string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 70 }).map(encodeURIComponent));
}

/**
 * Never a 5xx; every rejection an RFC 9457 problem document with a stable code; and every 4xx but an
 * unknown route names the offending part of the request by a JSON Pointer.
 */
export function expectWellBehaved(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 500)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.body);
  expect(problem.status, what).toBe(res.statusCode);
  expect(problem.code, what).toMatch(/^V2G_ERR_[A-Z_]+$/);
  expect(problem.type, what).toBe(`/problems/${problem.code}`);
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.retryable).toBe('boolean');
  if (problem.code === 'V2G_ERR_ROUTE_NOT_FOUND') return;
  expect(problem.errors?.length, `${what}: a ${res.statusCode} names no field: ${res.body.slice(0, 500)}`).toBeGreaterThan(0);
  for (const e of problem.errors) expect(e.pointer, what).toMatch(/^\/(body|query|params|headers)(\/|$)/);
}

export interface FuzzClient {
  /** Sends the request, checks the answer, and that a rejected one left the store as it was. */
  send(role: Role | 'anonymous', method: string, url: string, payload?: unknown, contentType?: string): Promise<LightMyRequestResponse>;
}

export function fuzzClient(h: Harness): FuzzClient {
  /** Everything a client could change, as JSON. */
  async function snapshot(): Promise<string> {
    const { store, chargerCredentials } = h.service.ctx;
    const sites = await store.listSites();
    const parts = await Promise.all(
      sites.map(async (s) => [s, await store.listSessions(s.id), await store.getSignals(s.id), (await store.listDispatches(s.id)).map(({ acknowledgement: _a, ...d }) => d)]),
    );
    return JSON.stringify([parts, await chargerCredentials.list()]);
  }
  return {
    async send(role, method, url, payload, contentType) {
      const before = await snapshot();
      const body =
        payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': contentType ?? 'application/json' } };
      const res = await h.request(role, { method: method as 'GET', url, ...body });
      const what = `${method} ${url} ${JSON.stringify(payload)?.slice(0, 300)}`;
      expectWellBehaved(res, what);
      if (res.statusCode >= 400) expect(await snapshot(), `${what} was rejected but changed the store`).toBe(before);
      return res;
    },
  };
}

/** `METHOD /route/:param` of every request the service answered (its HTTP latency histogram). */
export async function servedRoutes(h: Harness): Promise<Set<string>> {
  const metric = await h.service.ctx.metrics.httpDuration.get();
  return new Set(metric.values.map((v) => `${String(v.labels.method)} ${String(v.labels.route)}`));
}

/** `METHOD /route/:param` of every operation in the service's OpenAPI document. */
export async function documentedRoutes(h: Harness): Promise<string[]> {
  const doc = JSON.parse((await h.request('anonymous', { method: 'GET', url: '/docs/json' })).body) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`));
}
