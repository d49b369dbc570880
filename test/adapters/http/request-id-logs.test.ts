/**
 * pino logs with request ids: every line logged while serving a request carries its id (`reqId`, the
 * caller's `x-request-id` when well-formed), including the service's own lines (a dispatch received, a
 * refused request), and no line holds a bearer token.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { defaultConfig } from '../../../adapters/config.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { aSite, baselineSolver, t0, tokens } from '../service-harness.ts';

describe('request ids in the logs', () => {
  const lines: Record<string, unknown>[] = [];
  let service: Service;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const clock = new ManualClock(t0);
    const config = defaultConfig({ demo: false, apiTokens: [{ name: 'ops', token: tokens.admin, scopes: ['admin'] }], dispatchAckTimeoutMs: 0 });
    service = await createService(config, { clock, timers: clock, solve: baselineSolver, defaultMetrics: false, logger: pino({ level: 'info' }, sink) });
    await service.start();
    await service.app.ready();
  });
  afterAll(() => service.close());

  const inject = (method: 'GET' | 'POST', url: string, requestId: string, payload?: object) =>
    service.app.inject({ method, url, ...(payload ? { payload } : {}), headers: { authorization: `Bearer ${tokens.admin}`, 'x-request-id': requestId } });

  it('tags the request, the service lines and the refusals with the request id', async () => {
    expect((await inject('POST', '/v1/sites', 'trace-site-1', aSite())).statusCode).toBe(201);
    const dispatch = { kind: 'import-limit', powerKw: 10, start: new Date(t0).toISOString(), end: new Date(t0 + 3_600_000).toISOString() };
    expect((await inject('POST', '/v1/sites/depot-1/dispatches?wait=false', 'trace-dispatch-1', dispatch)).statusCode).toBe(202);
    expect((await inject('GET', '/v1/sites/nope', 'trace-missing-1')).statusCode).toBe(404);

    const of = (id: string) => lines.filter((l) => l.reqId === id).map((l) => l.msg);
    expect(of('trace-site-1')).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    expect(of('trace-dispatch-1')).toEqual(expect.arrayContaining(['incoming request', 'dispatch received', 'request completed']));
    expect(of('trace-missing-1')).toEqual(expect.arrayContaining(['request refused']));
    expect(JSON.stringify(lines)).not.toContain(tokens.admin);
  });
});
