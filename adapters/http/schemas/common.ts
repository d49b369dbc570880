/**
 * Schemas shared by every route: ids, instants, the RFC 9457 problem document, auth and idempotency
 * headers, and the error responses each route declares in the OpenAPI document.
 */
import { Type } from 'typebox';
import { limits } from '../../../optimizer/problem.ts';

/** Ids chosen by clients or generated: no `:` (they end up in queue job ids), no spaces. */
export const Id = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: `${description} (1-64 of A-Z a-z 0-9 . _ -)` });

/** An instant on the wire: RFC 3339 with `Z` or an offset. */
export const Instant = (description: string) => Type.String({ format: 'date-time', maxLength: 40, description: `${description} (RFC 3339 with offset)` });

/** A bounded number (every number on the wire has a range; JSON has no NaN or Infinity). */
/** Powers and energies are bounded as the optimizer's problem is (optimizer/problem.ts `limits`). */
export const Kw = (description: string, minimum = 0) => Type.Number({ minimum, maximum: limits.maxPowerKw, description: `${description} (kW)` });
export const PositiveKw = (description: string) => Type.Number({ exclusiveMinimum: 0, maximum: limits.maxPowerKw, description: `${description} (kW)` });
export const Kwh = (description: string) => Type.Number({ minimum: 0, maximum: limits.maxEnergyKwh, description: `${description} (kWh)` });
export const Percent = (description: string) => Type.Number({ minimum: 0, maximum: 100, description: `${description} (%)` });

export const FieldIssueSchema = Type.Object({
  pointer: Type.String({ description: 'JSON Pointer into the request: /body/..., /query/..., /params/..., /headers/...' }),
  detail: Type.String(),
  line: Type.Optional(Type.Integer({ description: '1-based line of a text body (CSV, XML)' })),
});

/** RFC 9457 problem details with the service's extension members. */
export const ProblemDetailsSchema = Type.Object(
  {
    type: Type.String({ description: 'URI reference of the problem type: /problems/<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String({ description: 'the request path' })),
    code: Type.String({ description: 'stable error code, V2G_ERR_...' }),
    retryable: Type.Boolean({ description: 'whether the same request may succeed later' }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldIssueSchema, { description: 'the offending fields' })),
  },
  { $id: 'ProblemDetails' },
);

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Type.Ref('ProblemDetails') } } });

/**
 * Error responses for the OpenAPI document (the error handler writes them). Typed as `{}` so that they
 * document without changing the reply type the type provider infers from the success responses.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function errorResponses(...statuses: number[]): {} {
  const text: Record<number, string> = {
    400: 'invalid request (schema): problem+json naming each field',
    401: 'missing or unknown bearer token',
    403: 'the token lacks the scope',
    404: 'unknown id',
    409: 'conflict with the current state, or the Idempotency-Key is in flight',
    412: 'If-Match names another revision than the current one (nothing changed)',
    413: 'body too large',
    415: 'unsupported media type',
    422: 'breaks a rule (naming the field), or the Idempotency-Key was reused for another request',
    429: 'rate limited',
    503: 'not ready, or the solver failed (the last good plan stays in force)',
  };
  return Object.fromEntries(statuses.map((s) => [s, problem(text[s] ?? 'error')]));
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export const readErrors = (): {} => errorResponses(400, 401, 403, 404);
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export const writeErrors = (): {} => errorResponses(400, 401, 403, 404, 409, 413, 415, 422);

/** Errors of a conditional write (PUT/PATCH with If-Match). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export const conditionalWriteErrors = (): {} => errorResponses(400, 401, 403, 404, 409, 412, 413, 415, 422);

/** Headers of PUT and PATCH routes: optimistic concurrency (adapters/http/revision-headers.ts). */
export const ConditionalHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ maxLength: 64, description: 'the ETag ("<revision>") the change is based on; another revision answers 412 and changes nothing' })),
});

export const SiteParams = Type.Object({ siteId: Id('site id') }, { additionalProperties: false });

/** Headers of POST routes (the Authorization header is checked by the auth hook). */
export const PostHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$', description: 'makes the POST safe to retry: same key + same body = same response' })),
});

export const JobLinkSchema = Type.Object({
  id: Type.String(),
  state: Type.String(),
  href: Type.String({ description: 'poll here: GET /v1/jobs/{id}' }),
});
