/**
 * A refused OCPP handshake's HTTP answer reaches the charger. ocpp-rpc 2.2.1 refuses a WebSocket upgrade (401 wrong
 * password, 404 unknown charger, 429 throttled, 503...) with an old copy of ws's `abortHandshake` (its
 * lib/ws-util.js): it writes the answer and destroys the socket at once. Whatever the socket had not flushed yet is
 * dropped; over TLS on a busy machine the charger then sees a connection reset instead of its 401 (seen in a full
 * test run: test/adapters/service/ocpp-gateway-security.test.ts). ws 8 fixed its own copy by ending the socket and
 * destroying it once the answer is flushed (`'finish'`); `endBeforeDestroy` does the same for ocpp-rpc's refusals.
 */
import type { Duplex } from 'node:stream';

/** How long an ended refusal may wait for its answer to flush before the socket is destroyed anyway (ms). */
export const refusalFlushTimeoutMs = 10_000;

/**
 * Until the returned `restore` is called, `socket.destroy()` without an error ends the socket (flushing what was
 * written) and destroys it on `'finish'` (or after `refusalFlushTimeoutMs`); a destroy with an error, or of a socket
 * that can no longer be written, is immediate. Call `restore` once the handshake is settled (accepted: the
 * WebSocket owns the socket and its own destroy applies again).
 */
export function endBeforeDestroy(socket: Duplex, flushTimeoutMs = refusalFlushTimeoutMs): () => void {
  const own = Object.prototype.hasOwnProperty.call(socket, 'destroy');
  const original = socket.destroy;
  const destroyNow = (error?: Error): Duplex => original.call(socket, error);
  socket.destroy = ((error?: Error) => {
    if (error !== undefined || !socket.writable) return destroyNow(error);
    const timer = setTimeout(() => destroyNow(), flushTimeoutMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('finish', () => destroyNow());
    socket.end();
    return socket;
  }) as Duplex['destroy'];
  return () => {
    if (own) socket.destroy = original;
    else delete (socket as Partial<Duplex>).destroy;
  };
}
