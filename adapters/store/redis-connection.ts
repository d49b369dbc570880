/**
 * Redis connections (ioredis) for the two roles BullMQ's production guide distinguishes:
 *
 * - `producer` (HTTP API, OCPP gateway, the store, `queue.add`): `enableOfflineQueue: false` and a
 *   `commandTimeout`, so a command fails at once while Redis is down (the API answers 503) instead of
 *   waiting in memory; `maxRetriesPerRequest: 1`.
 * - `worker` (BullMQ workers): `maxRetriesPerRequest: null` and the offline queue on, so a worker waits
 *   out a Redis restart and carries on (BullMQ requires this for its blocking connection).
 *
 * Invariants: both roles reconnect forever with a capped backoff (`retryStrategy`) and reconnect on
 * `READONLY` (a failover made our node a replica); every client has an `error` listener (no unhandled
 * `error` events); a client never uses ioredis' `keyPrefix` (BullMQ refuses it: namespacing is done by
 * redis-keys.ts and BullMQ's `prefix`).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from './redis-errors.ts';

export type RedisRole = 'producer' | 'worker';

export interface RedisClientOptions {
  /** Shown in `CLIENT LIST` (e.g. `v2g-api`). */
  readonly connectionName?: string;
  /** Producer commands fail after this long without a reply (ms). Default 5000. */
  readonly commandTimeoutMs?: number;
  /** A connection attempt fails after this long (ms). Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Longest wait between reconnection attempts (ms). Default 2000. */
  readonly maxReconnectDelayMs?: number;
  /** Told about connection errors (rate-limited by ioredis' reconnect backoff). */
  readonly onError?: (error: Error) => void;
}

/** The ioredis options of a role (documented in adapters/store/REDIS.md). */
export function redisOptionsFor(role: RedisRole, options: RedisClientOptions = {}): RedisOptions {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const common: RedisOptions = {
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
    reconnectOnError: (error) => /^READONLY/.test(error.message),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  };
  return role === 'producer'
    ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: options.commandTimeoutMs ?? 5000 }
    : { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null };
}

/** Where a client points, without credentials (for error messages and logs). */
export function redisEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'redis (unparsable URL)';
  }
}

/**
 * A connected-in-the-background ioredis client for `role`. It starts connecting at once; use
 * `waitForRedis` before serving, and `closeRedisClient` at shutdown.
 *
 * @example const redis = createRedisClient(config.redisUrl, 'producer', { connectionName: 'v2g-api' });
 */
export function createRedisClient(url: string, role: RedisRole, options: RedisClientOptions = {}): Redis {
  const client = new Redis(url, redisOptionsFor(role, options));
  client.on('error', (error: Error) => options.onError?.(error));
  return client;
}

/** Resolves once `client` is ready; rejects with StoreUnavailableError after `timeoutMs`. */
export async function waitForRedis(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') void client.connect().catch(() => undefined);
  let lastError: Error | undefined;
  const onError = (e: Error) => {
    lastError = e;
  };
  client.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new StoreUnavailableError(`Redis did not become ready within ${timeoutMs} ms${lastError ? ` (${lastError.message})` : ''}`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
    });
  } finally {
    client.off('error', onError);
  }
}

/** Throws StoreUnavailableError at once unless `client` is connected (BullMQ would wait otherwise). */
export function assertRedisReady(client: Redis, operation: string): void {
  if (client.status !== 'ready') throw new StoreUnavailableError(`${operation}: Redis is unavailable (connection ${client.status})`);
}

/** Closes `client`: QUIT (waits for replies in flight) bounded by `timeoutMs`, then disconnect. */
export async function closeRedisClient(client: Redis, timeoutMs = 2000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  client.disconnect();
}
