/**
 * Body parsers beyond JSON: CSV (`text/csv`) and XML (`application/xml`, `text/xml`, ENTSO-E documents)
 * arrive as text for grid/'s parsers. The body limit applies to them as to JSON. `text/plain` is refused;
 * an empty JSON body counts as no body.
 */
import type { FastifyInstance } from 'fastify';

export const csvMediaTypes = ['text/csv'];
export const xmlMediaTypes = ['application/xml', 'text/xml'];

export function installTextParsers(app: FastifyInstance): void {
  // An empty JSON body (curl -X POST -H 'content-type: application/json' on /optimize) is "no body", not a
  // parse error; a route that needs a body then names /body in its 400. Otherwise fastify's own (safe) parser.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    // fastify's default JSON parser answers through `done` and returns nothing (its type allows a promise).
    else void json(request, body as string, done);
  });
  // No route takes text/plain: without fastify's default parser such a body is 415, not a string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser([...csvMediaTypes, ...xmlMediaTypes], { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
