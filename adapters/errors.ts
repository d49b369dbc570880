/**
 * Coded errors of the service (adapters/), made with @fastify/error as fastify does for its own.
 *
 * Every code is stable: a retired code is never reused for another meaning. Each code states its HTTP
 * status, a short title and whether retrying the same request can help (`retryable`): the queue treats a
 * non-retryable error as permanent (no retry, like BullMQ's UnrecoverableError), and the HTTP edge turns
 * every code into an RFC 9457 problem document (adapters/http/errors.ts). Bad signal or time input from
 * grid/ keeps its own `V2G_ERR_...` code (grid/errors.ts) and is never retryable.
 */
import createError, { type FastifyError, type FastifyErrorConstructor } from '@fastify/error';
import { gridErrorCodes, type GridErrorCode } from '../grid/errors.ts';
import { optimizerErrorCodes } from '../optimizer/errors.ts';

/** One problem with one field of a request: a JSON Pointer into it (`/body/departure`) and a sentence. */
export interface FieldIssue {
  /** `/body/...`, `/query/...`, `/params/...` or `/headers/...`. */
  readonly pointer: string;
  readonly detail: string;
  /** 1-based line in a text body (CSV, XML), when known. */
  readonly line?: number;
}

/** What every code means. */
export interface ErrorCodeInfo {
  readonly status: number;
  readonly title: string;
  /** Whether the same request may succeed later (rate limit, solver busy, shutting down). */
  readonly retryable: boolean;
}

/** The service's own codes. */
export const serviceErrorCodes = {
  V2G_ERR_VALIDATION: { status: 400, title: 'The request does not match its schema', retryable: false },
  V2G_ERR_BAD_URL: { status: 400, title: 'The request URL cannot be decoded (bad percent-encoding)', retryable: false },
  V2G_ERR_MALFORMED_BODY: { status: 400, title: 'The request body cannot be parsed', retryable: false },
  V2G_ERR_UNAUTHENTICATED: { status: 401, title: 'A valid bearer token is required', retryable: false },
  V2G_ERR_FORBIDDEN: { status: 403, title: 'The token lacks the scope this operation needs', retryable: false },
  V2G_ERR_NOT_FOUND: { status: 404, title: 'The resource does not exist', retryable: false },
  V2G_ERR_ROUTE_NOT_FOUND: { status: 404, title: 'No such route', retryable: false },
  V2G_ERR_PLAN_NOT_FOUND: { status: 404, title: 'The site has no plan yet', retryable: true },
  V2G_ERR_CONFLICT: { status: 409, title: 'The request conflicts with the current state', retryable: false },
  /** Every re-applied attempt of a read-modify-write lost to another writer (adapters/store/optimistic-update.ts); nothing was written. */
  V2G_ERR_CONCURRENT_UPDATE: { status: 409, title: 'The resource kept changing while the request was applied; nothing was changed', retryable: true },
  V2G_ERR_IDEMPOTENCY_IN_FLIGHT: { status: 409, title: 'A request with this Idempotency-Key is still being processed', retryable: true },
  V2G_ERR_PRECONDITION_FAILED: { status: 412, title: 'The resource changed since the revision named in If-Match', retryable: false },
  V2G_ERR_REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time (HTTP_REQUEST_TIMEOUT_MS); the connection was closed', retryable: true },
  V2G_ERR_BODY_TOO_LARGE: { status: 413, title: 'The request body is too large', retryable: false },
  V2G_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body has an unsupported media type', retryable: false },
  V2G_ERR_REQUEST_INVALID: { status: 422, title: 'The request is well-formed but breaks a rule', retryable: false },
  V2G_ERR_IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used for a different request', retryable: false },
  V2G_ERR_SIGNALS_MISSING: { status: 422, title: 'The site lacks the signals a plan needs', retryable: false },
  V2G_ERR_SITE_NOT_PLANNABLE: { status: 422, title: "The site's inputs cannot be turned into a problem", retryable: false },
  V2G_ERR_PORTFOLIO_NOT_PLANNABLE: { status: 422, title: 'No member site of the portfolio can be planned', retryable: false },
  V2G_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests', retryable: true },
  V2G_ERR_AUTH_THROTTLED: { status: 429, title: 'Too many failed credential checks from this address or for this identity; wait for Retry-After', retryable: true },
  V2G_ERR_INTERNAL: { status: 500, title: 'Internal error', retryable: true },
  V2G_ERR_SOLVE_FAILED: { status: 503, title: 'The solver failed; the last good plan stays in force', retryable: true },
  /** A decomposition shard worker process was lost mid-solve (adapters/decomposition-flow/flow-executor.ts); the solve failed. */
  V2G_ERR_DECOMPOSITION_SHARD_LOST: { status: 503, title: 'A decomposition shard worker was lost mid-solve; the solve failed', retryable: true },
  /** A portfolio coordination job given up by BullMQ after its lock expired (worker killed or blocked); its pending dispatches fail with it. */
  V2G_ERR_PORTFOLIO_STALLED: { status: 503, title: 'The portfolio coordination was given up: its worker stopped renewing the job lock; retry the dispatch', retryable: true },
  V2G_ERR_NOT_READY: { status: 503, title: 'The service is not ready', retryable: true },
  /** Redis (store or queue) cannot serve now; thrown as StoreUnavailableError (adapters/store/redis-errors.ts). */
  V2G_ERR_STORE_UNAVAILABLE: { status: 503, title: 'The store or the job queue is unavailable', retryable: true },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ServiceErrorCode = keyof typeof serviceErrorCodes;

/** Every code a client can receive: the service's and grid/'s (bad input, 422, never retryable). */
export function errorCodeInfo(code: string): ErrorCodeInfo | undefined {
  // Own properties only: `constructor` or `toString` is no code.
  if (Object.hasOwn(serviceErrorCodes, code)) return (serviceErrorCodes as Record<string, ErrorCodeInfo>)[code];
  if (Object.hasOwn(gridErrorCodes, code)) return { status: 422, title: capitalise((gridErrorCodes as Record<string, string>)[code]!), retryable: false };
  if (Object.hasOwn(optimizerErrorCodes, code)) return { status: 422, title: capitalise((optimizerErrorCodes as Record<string, string>)[code]!), retryable: false };
  return undefined;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** All codes with their meaning (served at `/problems`). */
export function allErrorCodes(): Record<string, ErrorCodeInfo> {
  const out: Record<string, ErrorCodeInfo> = { ...serviceErrorCodes };
  for (const code of Object.keys(gridErrorCodes) as GridErrorCode[]) out[code] = errorCodeInfo(code)!;
  for (const code of Object.keys(optimizerErrorCodes)) out[code] = errorCodeInfo(code)!;
  return out;
}

/** A coded error with the fields it concerns and whether a retry can help. */
export interface ServiceError extends FastifyError {
  readonly code: ServiceErrorCode;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly errors: readonly FieldIssue[];
}

const constructors = Object.fromEntries(
  Object.entries(serviceErrorCodes).map(([code, info]) => [code, createError(code, '%s', info.status)]),
) as Record<ServiceErrorCode, FastifyErrorConstructor>;

/**
 * Makes a coded error. `detail` is the human sentence; `errors` name the offending fields.
 *
 * @example throw serviceError('V2G_ERR_NOT_FOUND', 'site "depot-1" does not exist', [{ pointer: '/params/siteId', detail: 'unknown site' }])
 */
export function serviceError(code: ServiceErrorCode, detail: string, errors: readonly FieldIssue[] = []): ServiceError {
  const error = new constructors[code](detail) as ServiceError;
  Object.assign(error, { retryable: serviceErrorCodes[code].retryable, errors });
  return error;
}

/** Whether `e` is a coded service error (as opposed to a grid error or a bug). */
export function isServiceError(e: unknown): e is ServiceError {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code in serviceErrorCodes && 'retryable' in e;
}

/** A 404 naming the path parameter that holds the unknown id. */
export function notFound(what: string, id: string, param: string): ServiceError {
  return serviceError('V2G_ERR_NOT_FOUND', `${what} "${id}" does not exist`, [{ pointer: `/params/${param}`, detail: `unknown ${what}` }]);
}
