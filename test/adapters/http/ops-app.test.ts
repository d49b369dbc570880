/**
 * The operations app (adapters/http/ops-app.ts: a worker's or gateway's /health, /metrics, /problems) with a
 * logger: requests are not logged one by one, and building it emits no deprecation warning (Fastify's
 * `disableRequestLogging` top-level option is deprecated in favour of a LogController).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../adapters/config.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';

describe('the operations app', () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  let service: Service | undefined;
  afterAll(async () => {
    process.off('warning', onWarning);
    await service?.close();
  });

  it('answers /health/live without a request log line and without a deprecation warning', async () => {
    process.on('warning', onWarning);
    service = await createService(defaultConfig({ demo: false }), { roles: ['gateway'], logger, defaultMetrics: false });
    const res = await service.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    // process.emitWarning reports on the next tick, which runs before this setImmediate callback.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => `${w.name}: ${w.message}`).filter((w) => /Fastify/.test(w))).toEqual([]);
    expect(lines.filter((l) => /incoming request|request completed/.test(l))).toEqual([]);
  });
});
