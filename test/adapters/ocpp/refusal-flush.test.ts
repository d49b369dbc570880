/**
 * endBeforeDestroy (adapters/ocpp/refusal-flush.ts): what a refusal writes before destroying its socket reaches the
 * peer, over TLS, as ws 8 does it. The answer is 4 MiB so that it cannot be flushed within the write call: a plain
 * destroy loses part of it (the bug the wrapper fixes), the wrapper delivers all of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endBeforeDestroy } from '../../../adapters/ocpp/refusal-flush.ts';
import { selfSignedCertificate } from './self-signed-cert.ts';

const answerBytes = 4 * 1024 * 1024;

let dir: string;
let key: string;
let cert: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'v2g-refusal-flush-'));
  ({ key, cert } = selfSignedCertificate(dir));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes a TLS client receives from a server that, on a connection, writes `answerBytes` and destroys the socket. */
async function received(wrap: boolean): Promise<number> {
  const server = createServer({ key, cert }, (socket: TLSSocket) => {
    if (wrap) endBeforeDestroy(socket);
    socket.write(Buffer.alloc(answerBytes, 0x61));
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<number>((resolve) => {
      let bytes = 0;
      const client = connect({ host: '127.0.0.1', port, ca: cert });
      client.on('data', (chunk: Buffer) => (bytes += chunk.length));
      client.on('error', () => undefined); // a reset ends the count; 'close' follows
      client.on('close', () => resolve(bytes));
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('endBeforeDestroy', () => {
  it('delivers the whole answer a refusal wrote before destroying its TLS socket', async () => {
    expect(await received(true)).toBe(answerBytes);
  });

  it('is needed: a plain destroy right after the write loses part of the answer', async () => {
    expect(await received(false)).toBeLessThan(answerBytes);
  });

  it('destroys at once on an error, and restore gives the socket its own destroy back', async () => {
    const socket = new PassThrough();
    const errors: string[] = [];
    socket.on('error', (error: Error) => errors.push(error.message));
    const own = socket.destroy;
    const restore = endBeforeDestroy(socket);
    expect(socket.destroy).not.toBe(own);
    socket.destroy(new Error('peer gone'));
    expect(socket.destroyed).toBe(true);
    await new Promise((resolve) => socket.once('close', resolve));
    expect(errors).toEqual(['peer gone']);
    restore();
    expect(socket.destroy).toBe(own);
    expect(Object.prototype.hasOwnProperty.call(socket, 'destroy')).toBe(false);
  });

  it('ends, then destroys once flushed, a socket destroyed without an error', async () => {
    const socket = new PassThrough();
    endBeforeDestroy(socket);
    const order: string[] = [];
    socket.on('finish', () => order.push('finish'));
    socket.on('close', () => order.push('close'));
    socket.write('answer');
    socket.destroy();
    expect(socket.destroyed).toBe(false);
    socket.resume();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(order).toEqual(['finish', 'close']);
  });
});
