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
 *   cannot send a bearer token); their 401 asks for Basic, so the browser prompts.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
}

/** The token in `Authorization: Basic base64(user:token)`, or undefined. */
function basicPassword(header: string): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon >= 0 && colon < text.length - 1 ? text.slice(colon + 1) : undefined;
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
  const check = (request: FastifyRequest, reply: FastifyReply): void => {
    const scope = request.routeOptions.config?.scope;
    const header = request.headers.authorization;
    const browser = inBrowserArea(request.url);
    if (typeof header === 'string' && /^Bearer\s+\S+$/i.test(header)) {
      const principal = byDigest.get(digest(header.replace(/^Bearer\s+/i, '')));
      if (principal) request.principal = principal;
    } else if (browser && typeof header === 'string') {
      const password = basicPassword(header);
      const principal = password === undefined ? undefined : byDigest.get(digest(password));
      if (principal) request.principal = principal;
    }
    if (scope === undefined) return;
    if (!request.principal) {
      if (browser) reply.header('www-authenticate', 'Basic realm="v2g admin", charset="UTF-8"');
      throw serviceError(
        'V2G_ERR_UNAUTHENTICATED',
        header === undefined ? 'this operation needs a bearer token (Authorization: Bearer <token>)' : 'the bearer token is not valid',
        [{ pointer: '/headers/authorization', detail: header === undefined ? 'is missing' : 'is not a known bearer token' }],
      );
    }
    if (!hasScope(request.principal, scope)) {
      throw serviceError('V2G_ERR_FORBIDDEN', `this operation needs the scope "${scope}"; the token "${request.principal.name}" has ${request.principal.scopes.join(', ')}`, [
        { pointer: '/headers/authorization', detail: `lacks scope ${scope}` },
      ]);
    }
  };
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      check(request, reply);
    } catch (error) {
      // A browser area is a third-party plugin with its own error handler: answer the problem here.
      if (!inBrowserArea(request.url)) throw error;
      return sendProblem(reply, problemOf(error, request));
    }
  });
}
