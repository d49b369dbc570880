/**
 * Every write operation of the generated OpenAPI document (/docs/json) carries a request example (the UI at /docs
 * pre-fills it), every example validates against its operation's schema, and the main writes, sent as the UI would
 * send them to a fresh service, are accepted (adapters/http/schemas/request-examples.ts).
 */
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesValidFromUtc } from '../../../adapters/http/schemas/request-examples.ts';
import { baselineSolver, createHarness, json, type Harness } from '../service-harness.ts';

interface MediaType {
  readonly schema?: object;
  readonly example?: unknown;
  readonly examples?: Record<string, { value: unknown }>;
}
interface Operation {
  readonly requestBody?: { readonly content: Record<string, MediaType> };
}
interface OpenApiDocument {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, object> };
}

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

/** `method path` of every operation with a request body, and its JSON media type (when it has one). */
function jsonBodies(doc: OpenApiDocument): { operation: string; media: MediaType }[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, op]) => {
      const media = op.requestBody?.content['application/json'];
      return media ? [{ operation: `${method.toUpperCase()} ${path}`, media }] : [];
    }),
  );
}

/** The examples of a media type (`example`, or every `examples` value). */
function examplesOf(media: MediaType): unknown[] {
  if (media.example !== undefined) return [media.example];
  return Object.values(media.examples ?? {}).map((e) => e.value);
}

describe('OpenAPI request examples', () => {
  let h: Harness;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver, startUtcMs: Date.parse(examplesValidFromUtc) });
    doc = json(await h.request('anonymous', { method: 'GET', url: '/docs/json' })) as OpenApiDocument;
  });
  afterAll(async () => h.close());

  it('every operation with a JSON body has an example that validates against its schema', () => {
    const bodies = jsonBodies(doc);
    expect(bodies.length).toBeGreaterThanOrEqual(10);
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) ajv.addSchema(schema, `#/components/schemas/${name}`);
    const problems: string[] = [];
    for (const { operation, media } of bodies) {
      const examples = examplesOf(media);
      if (examples.length === 0) problems.push(`${operation}: no example`);
      const validate = ajv.compile(media.schema ?? {});
      for (const example of examples) {
        if (!validate(example)) problems.push(`${operation}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the main writes accept their examples, sent in order to a fresh service', async () => {
    const exampleOf = (method: string, path: string) => {
      const media = doc.paths[path]?.[method]?.requestBody?.content['application/json'];
      expect(media, `${method} ${path}`).toBeDefined();
      return examplesOf(media!)[0];
    };
    const steps: [string, string, string][] = [
      ['post', '/v1/sites', '/v1/sites'],
      ['put', '/v1/sites/{siteId}', '/v1/sites/depot-1'],
      ['post', '/v1/sites/{siteId}/sessions', '/v1/sites/depot-1/sessions'],
      ['patch', '/v1/sites/{siteId}/sessions/{sessionId}', '/v1/sites/depot-1/sessions/session-1'],
      ['post', '/v1/sites/{siteId}/signals/{kind}', '/v1/sites/depot-1/signals/import-price'],
      ['post', '/v1/sites/{siteId}/signals/openadr3-events', '/v1/sites/depot-1/signals/openadr3-events'],
      ['post', '/v1/sites/{siteId}/dispatches', '/v1/sites/depot-1/dispatches'],
      ['put', '/v1/chargers/{chargePointId}/credentials', '/v1/chargers/cp-1/credentials'],
      ['post', '/v1/portfolios', '/v1/portfolios'],
      ['put', '/v1/portfolios/{portfolioId}', '/v1/portfolios/feeder-1'],
    ];
    const answers: string[] = [];
    for (const [method, template, url] of steps) {
      const res = await h.request('admin', { method: method.toUpperCase() as 'POST', url, payload: exampleOf(method, template) as object });
      answers.push(`${method.toUpperCase()} ${url}: ${res.statusCode < 300 ? 'accepted' : `${res.statusCode} ${res.body}`}`);
    }
    expect(answers).toEqual(steps.map(([method, , url]) => `${method.toUpperCase()} ${url}: accepted`));
  });
});
