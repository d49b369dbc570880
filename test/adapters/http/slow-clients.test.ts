/**
 * Slow clients cannot hold a connection open: a body that trickles in is answered 408 problem+json
 * (V2G_ERR_REQUEST_TIMEOUT) and its connection closed once HTTP_REQUEST_TIMEOUT_MS has passed; a request
 * answered before its body arrived (401 for a wrong token) closes its connection at once; an idle
 * connection is closed after HTTP_IDLE_TIMEOUT_MS. Every check waits for the socket's close event.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineSolver, createHarness, tokens, type Harness } from '../service-harness.ts';

interface Conversation {
  readonly socket: net.Socket;
  /** Everything the server sent until it closed the connection. */
  readonly closed: Promise<string>;
}

function connect(port: number): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

describe('slow clients', () => {
  let h: Harness;
  let port: number;

  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver, config: { httpRequestTimeoutMs: 1_000, httpIdleTimeoutMs: 1_500, port: 0, host: '127.0.0.1' } });
    const url = await h.service.app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(url).port);
  });

  afterAll(async () => h.close());

  it('a body trickling in is answered 408 problem+json and the connection closed', async () => {
    const c = await connect(port);
    c.socket.write(`POST /v1/sites HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens.admin}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    // one byte now and then, well inside the idle timeout, never finishing the body
    const trickle = setInterval(() => c.socket.writable && c.socket.write(' '), 200);
    const answer = await c.closed;
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(answer).toContain('"code":"V2G_ERR_REQUEST_TIMEOUT"');
  });

  it('a request answered 401 before its body arrived closes its connection', async () => {
    const c = await connect(port);
    c.socket.write('POST /v1/sites HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-token-0123456789\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const answer = await c.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/connection: close/i);
  });

  it('an idle kept-alive connection is closed', async () => {
    const c = await connect(port);
    c.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await c.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
