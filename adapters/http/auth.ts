/**
 * Bearer-token authentication with scopes.
 *
 * - Each route declares the scope it needs in `config.scope` (`read`, `dispatch` or `admin`); `admin`
 *   holds every scope. A route without a scope is public, which only GET/HEAD routes may be (health,
 *   metrics, docs): the app refuses to start with an unauthenticated write route.
 * - Tokens are compared by SHA-256 digest, never logged; the principal's name goes into the logs.
 * - 401 (missing or unknown token, with `WWW-Authenticate: Bearer`) comes before any body validation;
 *   403 names the scope needed.
 * - Browser areas (`browserAdminPrefixes`, e.g. the queue dashboard): every route under them needs the
 *   admin scope, whatever it declares, and also takes HTTP Basic with a token as the password (a browser
 *   cannot send a bearer token); their 401 asks for Basic, so the browser prompts. Basic is accepted
 *   nowhere else.
 * - Wrong credentials are throttled (adapters/auth-throttle): per source address, and per user name for
 *   Basic; once blocked, the address gets 429 `V2G_ERR_AUTH_THROTTLED` with Retry-After before any
 *   credential is checked. Shared through Redis in distributed mode.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { retryAfterSeconds, type AuthThrottle, type ThrottleKey } from '../auth-throttle/auth-throttle.ts';
import type { ApiToken, Scope } from '../config.ts';
import { serviceError } from '../errors.ts';
import { problemOf, sendProblem } from './errors.ts';

/** Who made a request. */
export interface Principal {
  readonly name: string;
  readonly scopes: readonly Scope[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Scope a caller needs; omitted = public (GET/HEAD only). */
    scope?: Scope;
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}

export interface AuthOptions {
  /** URL prefixes of browser areas: admin only, HTTP Basic accepted (token as password). */
  readonly browserAdminPrefixes?: readonly string[];
  /** Throttles wrong credentials; default none. */
  readonly throttle?: AuthThrottle;
  /** The throttle's store failed (the credentials are then checked without it; log it). */
  readonly onThrottleError?: (error: unknown) => void;
}

/** User and token in `Authorization: Basic base64(user:token)`, or undefined. */
function basicCredentials(header: string): { readonly user: string; readonly password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon >= 0 && colon < text.length - 1 ? { user: text.slice(0, colon), password: text.slice(colon + 1) } : undefined;
}

/** Installs the onRoute check and the onRequest hook on the root instance (before any route). */
export function installAuth(app: FastifyInstance, tokens: readonly ApiToken[], options: AuthOptions = {}): void {
  const byDigest = new Map(tokens.map((t) => [digest(t.token), { name: t.name, scopes: t.scopes }]));
  const browserPrefixes = options.browserAdminPrefixes ?? [];
  const inBrowserArea = (url: string) => browserPrefixes.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`));
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    if (inBrowserArea(route.url)) route.config = { ...route.config, scope: 'admin' };
    const methods = [route.method].flat();
    const scope = route.config?.scope;
    if (scope === undefined && methods.some((m) => m !== 'GET' && m !== 'HEAD')) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no scope: unauthenticated writes are not allowed`);
    }
    if (scope !== undefined) {
      const schema = (route.schema ??= {}) as { security?: unknown };
      schema.security ??= [{ bearerAuth: [] }];
    }
  });
  const throttle = options.throttle;
  /** The throttle's answer, or 0 (and a log line) when its store fails: the check never takes the API down. */
  const safely = async <T>(fn: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      options.onThrottleError?.(error);
      return fallback;
    }
  };
  const check = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const scope = request.routeOptions.config?.scope;
    const header = request.headers.authorization;
    const browser = inBrowserArea(request.url);
    const bearer = typeof header === 'string' && /^Bearer\s+\S+$/i.test(header);
    const basic = !bearer && browser && typeof header === 'string' ? basicCredentials(header) : undefined;
    if (!bearer && basic === undefined) {
      if (scope !== undefined) unauthenticated(reply, header, browser);
      return;
    }
    const keys: ThrottleKey[] = [{ kind: 'address', value: request.ip }, ...(basic ? [{ kind: 'id' as const, value: `basic:${basic.user}` }] : [])];
    if (throttle) {
      const blockedMs = await safely(() => throttle.blockedForMs(keys), 0);
      if (blockedMs > 0) {
        reply.header('retry-after', String(retryAfterSeconds(blockedMs)));
        throw serviceError('V2G_ERR_AUTH_THROTTLED', `too many wrong credentials from this address; retry in ${retryAfterSeconds(blockedMs)} s`, [
          { pointer: '/headers/authorization', detail: 'not checked: too many failures' },
        ]);
      }
    }
    const principal = byDigest.get(digest(bearer ? header!.replace(/^Bearer\s+/i, '') : basic!.password));
    if (principal) {
      request.principal = principal;
      if (throttle && basic) await safely(() => throttle.succeeded(keys), undefined);
    } else if (throttle) {
      await safely(() => throttle.failed(keys), undefined);
    }
    if (scope === undefined) return;
    if (!request.principal) unauthenticated(reply, header, browser);
    if (!hasScope(request.principal, scope)) {
      throw serviceError('V2G_ERR_FORBIDDEN', `this operation needs the scope "${scope}"; the token "${request.principal.name}" has ${request.principal.scopes.join(', ')}`, [
        { pointer: '/headers/authorization', detail: `lacks scope ${scope}` },
      ]);
    }
  };
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await check(request, reply);
    } catch (error) {
      // A browser area is a third-party plugin with its own error handler: answer the problem here.
      if (!inBrowserArea(request.url)) throw error;
      return sendProblem(reply, problemOf(error, request));
    }
  });
}

function unauthenticated(reply: FastifyReply, header: string | undefined, browser: boolean): never {
  if (browser) reply.header('www-authenticate', 'Basic realm="v2g admin", charset="UTF-8"');
  throw serviceError(
    'V2G_ERR_UNAUTHENTICATED',
    header === undefined ? 'this operation needs a bearer token (Authorization: Bearer <token>)' : 'the bearer token is not valid',
    [{ pointer: '/headers/authorization', detail: header === undefined ? 'is missing' : 'is not a known bearer token' }],
  );
}
