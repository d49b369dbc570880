/**
 * Every error as an RFC 9457 problem document (`application/problem+json`):
 * `{ type: "/problems/<code>", title, status, detail, instance, code, retryable, requestId, errors[] }`
 * where `errors` names each offending field by a JSON Pointer into the request (`/body/departure`,
 * `/query/limit`, `/params/siteId`, `/headers/idempotency-key`).
 *
 * Sources mapped here: the service's coded errors (adapters/errors.ts), grid/'s coded input errors (422,
 * with their own `V2G_ERR_...` code and every issue), fastify's schema validation (400), body parsing
 * (400 malformed, 413 too large, 415 media type), unknown routes (404) and anything else (500, logged,
 * no internals leaked).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GridInputError } from '../../grid/errors.ts';
import { errorCodeInfo, isServiceError, serviceErrorCodes, type FieldIssue, type ServiceErrorCode } from '../errors.ts';
import { fieldIssueOf, type LocatedGridError } from '../service/grid-issues.ts';

/** The problem document. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code: string;
  readonly retryable: boolean;
  readonly requestId?: string;
  readonly errors?: readonly FieldIssue[];
}

const contextPointer: Record<string, string> = { body: '/body', querystring: '/query', params: '/params', headers: '/headers' };

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** Schema validation errors (Ajv/TypeBox shape) as field issues, one per field. */
export function validationIssues(errors: readonly SchemaError[], context: string | undefined): FieldIssue[] {
  const base = contextPointer[context ?? 'body'] ?? '/body';
  const out = new Map<string, FieldIssue>();
  const add = (pointer: string, detail: string) => {
    if (!out.has(pointer)) out.set(pointer, { pointer, detail });
  };
  for (const e of errors) {
    const at = `${base}${e.instancePath}`;
    const p = e.params ?? {};
    if (e.keyword === 'additionalProperties') {
      const names = (p.additionalProperties ?? p.additionalProperty) as string | string[] | undefined;
      for (const n of [names ?? []].flat()) add(`${at}/${escapeToken(n)}`, 'is not an allowed field');
    } else if (e.keyword === 'boolean' && e.message === 'schema is false') {
      add(at, 'is not an allowed field');
    } else if (e.keyword === 'required') {
      const names = (p.requiredProperties ?? p.missingProperty) as string | string[] | undefined;
      for (const n of [names ?? []].flat()) add(`${at}/${escapeToken(n)}`, 'is required');
    } else {
      add(at, e.message ?? `fails ${e.keyword}`);
    }
  }
  return [...out.values()];
}

function summary(issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.pointer}${i.line !== undefined ? ` (line ${i.line})` : ''}: ${i.detail}`);
  return `${issues.length} problem${issues.length === 1 ? '' : 's'}: ${shown.join('; ')}${issues.length > 5 ? '; ...' : ''}`;
}

function document(code: string, status: number, detail: string, request: FastifyRequest, errors: readonly FieldIssue[] = []): ProblemDocument {
  const info = errorCodeInfo(code);
  return {
    type: `/problems/${code}`,
    title: info?.title ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0]!,
    code,
    retryable: info?.retryable ?? status >= 500,
    requestId: String(request.id),
    ...(errors.length > 0 ? { errors } : {}),
  };
}

const fastifyCodes: Record<string, ServiceErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'V2G_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'V2G_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'V2G_ERR_MALFORMED_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'V2G_ERR_MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'V2G_ERR_MALFORMED_BODY',
};

const statusCodes: Record<number, ServiceErrorCode> = {
  400: 'V2G_ERR_VALIDATION',
  401: 'V2G_ERR_UNAUTHENTICATED',
  403: 'V2G_ERR_FORBIDDEN',
  404: 'V2G_ERR_NOT_FOUND',
  409: 'V2G_ERR_CONFLICT',
  413: 'V2G_ERR_BODY_TOO_LARGE',
  415: 'V2G_ERR_UNSUPPORTED_MEDIA_TYPE',
  422: 'V2G_ERR_REQUEST_INVALID',
  429: 'V2G_ERR_RATE_LIMITED',
  503: 'V2G_ERR_NOT_READY',
};

/** Maps any error to a problem document (and whether it is a server fault to log as such). */
export function problemOf(error: unknown, request: FastifyRequest): ProblemDocument {
  if (isServiceError(error)) return document(error.code, error.statusCode, error.message, request, error.errors);
  if (error instanceof GridInputError) {
    const prefix = (error as LocatedGridError).pointerPrefix ?? '/body';
    const issues = error.issues.map((i) => fieldIssueOf(i, prefix));
    return document(error.code, 422, `${error.message.split('\n')[0]} ${summary(issues)}`, request, issues);
  }
  const e = error as Partial<FastifyError> & { validation?: SchemaError[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const issues = validationIssues(e.validation, e.validationContext);
    return document('V2G_ERR_VALIDATION', 400, summary(issues), request, issues);
  }
  const mapped = e.code ? fastifyCodes[e.code] : undefined;
  if (mapped) {
    const pointer = mapped === 'V2G_ERR_UNSUPPORTED_MEDIA_TYPE' ? '/headers/content-type' : '/body';
    return document(mapped, serviceErrorCodes[mapped].status, e.message ?? mapped, request, [{ pointer, detail: e.message ?? mapped }]);
  }
  const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
  if (status === 400 && error instanceof SyntaxError) {
    return document('V2G_ERR_MALFORMED_BODY', 400, `the body is not valid JSON: ${error.message}`, request, [{ pointer: '/body', detail: error.message }]);
  }
  if (status < 500) {
    const code = statusCodes[status] ?? 'V2G_ERR_REQUEST_INVALID';
    return document(code, status, e.message ?? code, request);
  }
  return document('V2G_ERR_INTERNAL', 500, `internal error; quote request id ${String(request.id)}`, request);
}

/** Sends a problem document. */
export function sendProblem(reply: FastifyReply, problem: ProblemDocument): FastifyReply {
  if (problem.status === 401) reply.header('www-authenticate', reply.getHeader('www-authenticate') ?? 'Bearer realm="v2g"');
  if (problem.status === 503 || problem.status === 429) reply.header('retry-after', reply.getHeader('retry-after') ?? '1');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a URL that is not valid
 * percent-encoded UTF-8, e.g. `/v1/sites/%ff`) as problem documents too (fastify's default is plain JSON).
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  const problem =
    error.code === 'FST_ERR_BAD_URL'
      ? document('V2G_ERR_BAD_URL', 400, `the URL ${JSON.stringify(request.url.slice(0, 200))} is not valid percent-encoded UTF-8`, request)
      : problemOf(error, request);
  void sendProblem(reply, problem);
}

/** Installs the error and not-found handlers on the root instance. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = problemOf(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = document('V2G_ERR_ROUTE_NOT_FOUND', 404, `no route ${request.method} ${request.url.split('?')[0]}`, request);
    return sendProblem(reply, problem);
  });
}
