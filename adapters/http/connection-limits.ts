/**
 * Time limits on HTTP connections, so a slow or stalled client cannot hold a connection (and its memory)
 * open: a request must arrive whole (headers and body) within HTTP_REQUEST_TIMEOUT_MS, else Node answers
 * 408 and closes the connection; a connection without traffic for HTTP_IDLE_TIMEOUT_MS is closed; and a
 * request answered before its body arrived (401, 403, 413, 415, a refusal) gets `Connection: close`, so
 * the rest of its body is not waited for on a kept-alive connection.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ServiceConfig } from '../config.ts';
import { serviceErrorCodes } from '../errors.ts';

/** Fastify options for `config`'s limits. */
export function connectionLimitOptions(config: ServiceConfig) {
  return {
    requestTimeout: config.httpRequestTimeoutMs,
    connectionTimeout: config.httpIdleTimeoutMs,
    // Between requests Node times a kept-alive connection with keepAliveTimeout instead of the socket timeout.
    keepAliveTimeout: config.httpIdleTimeoutMs,
    http: {
      // Node checks request deadlines this often (default 30 s): a quarter of the deadline, 100 ms to 5 s.
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(config.httpRequestTimeoutMs / 4))),
      // Node enforces no request deadline at all while headersTimeout (default 60 s) exceeds it (measured: a
      // body trickling in stayed open; issue 14 saw 400 s): the headers get at most the whole request's time.
      headersTimeout: Math.min(60_000, config.httpRequestTimeoutMs),
    },
    clientErrorHandler,
  };
}

/**
 * Errors Node raises before a request reaches fastify (a request past its deadline, unparsable HTTP), as
 * problem+json on a closed connection (fastify's default body is plain JSON).
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const status = timeout ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const code = timeout ? 'V2G_ERR_REQUEST_TIMEOUT' : 'V2G_ERR_MALFORMED_BODY';
  const body = JSON.stringify({
    type: `/problems/${code}`,
    title: serviceErrorCodes[code].title,
    status,
    detail: timeout ? 'the request headers and body did not arrive within HTTP_REQUEST_TIMEOUT_MS' : `the request is not valid HTTP (${error.code ?? 'parse error'})`,
    code,
    retryable: serviceErrorCodes[code].retryable,
  });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Closes the connection after a response sent before its request's body had fully arrived. */
export function installEarlyAnswerClose(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const h = request.headers;
    const bodyDeclared = (h['content-length'] !== undefined && h['content-length'] !== '0') || h['transfer-encoding'] !== undefined;
    if (bodyDeclared && request.raw.complete === false) reply.header('connection', 'close');
    return payload;
  });
}
