/**
 * The plan bus on Redis: a capped stream `<prefix>:plan-ready` (XADD MAXLEN ~), read by every gateway
 * with a blocking XREAD from the last entry it saw. A stream rather than pub/sub, so a gateway whose
 * connection dropped for a while reads on where it stopped instead of missing the plans of that time.
 *
 * Entry fields: `siteId`, `planId`, `at` (createdAtUtcMs as decimal text).
 *
 * Invariants:
 * - `publish` uses the shared `producer` client (fail fast): while Redis is down it rejects at once with
 *   StoreUnavailableError (retryable), so the re-plan attempt fails and is retried.
 * - Reading uses its own patient client (`worker` role: offline queue on, retries forever), because a
 *   blocking XREAD holds its connection; after a reconnect it continues from the last id it saw, and
 *   `onReconnect` tells the owner (which re-applies current plans, for the case of a Redis restart that
 *   lost the stream).
 * - The stream keeps about `maxLength` entries (default 10 000): a reader away longer than that loses the
 *   oldest, and its owner's reconcile on reconnect covers them.
 */
import type { Redis } from 'ioredis';
import type { Timers } from '../clock.ts';
import { assertRedisReady } from '../store/redis-connection.ts';
import { guarded } from '../store/redis-errors.ts';
import { RedisKeys } from '../store/redis-keys.ts';
import { deliver, type PlanBus, type PlanReady, type PlanReadyListener } from './plan-bus.ts';

export interface RedisPlanBusOptions {
  /** The shared fail-fast `producer` client (owned by the caller). */
  readonly producer: Redis;
  /** Makes the reader's `worker` client (closed by the bus). */
  readonly readerConnection: () => Redis;
  /** V2G_REDIS_PREFIX. */
  readonly prefix: string;
  /** Pause after a failed read. */
  readonly timers: Timers;
  /** Entries kept (approximately); default 10 000. */
  readonly maxLength?: number;
  /** XREAD BLOCK timeout (ms); default 5000. */
  readonly blockMs?: number;
  /** Read errors and listener failures. */
  readonly onError?: (error: Error) => void;
  /** The reader's connection came back after a drop. */
  readonly onReconnect?: () => void;
}

type StreamReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

function eventOf(fields: readonly string[]): PlanReady | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const siteId = map.get('siteId');
  const planId = map.get('planId');
  const at = Number(map.get('at'));
  return siteId && planId && Number.isFinite(at) ? { siteId, planId, createdAtUtcMs: at } : undefined;
}

export class RedisPlanBus implements PlanBus {
  private readonly key: string;
  private readonly listeners = new Set<PlanReadyListener>();
  private readonly onError: (error: Error) => void;
  private reader: Redis | undefined;
  private loop: Promise<void> | undefined;
  private closed = false;
  /** Resolved when the reader knows the stream's newest id: every event published from then on reaches it. */
  private positioned: Promise<void> | undefined;
  private markPositioned: () => void = () => undefined;

  constructor(private readonly options: RedisPlanBusOptions) {
    this.key = new RedisKeys(options.prefix).planReady;
    this.onError = options.onError ?? (() => undefined);
  }

  publish(event: PlanReady): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the plan bus is closed'));
    return guarded('plan-ready publish', async () => {
      assertRedisReady(this.options.producer, 'plan-ready publish');
      await this.options.producer.xadd(this.key, 'MAXLEN', '~', this.options.maxLength ?? 10_000, '*', 'siteId', event.siteId, 'planId', event.planId, 'at', String(event.createdAtUtcMs));
    });
  }

  subscribe(listener: PlanReadyListener): () => void {
    if (this.closed) throw new Error('the plan bus is closed');
    this.listeners.add(listener);
    this.positioned ??= new Promise<void>((resolve) => (this.markPositioned = resolve));
    this.loop ??= this.read();
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the reader is connected and positioned (tests, boot). */
  async ready(): Promise<void> {
    if (!this.loop) return;
    await this.positioned;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    // A blocking XREAD never answers a QUIT in time: drop the connection, which ends the read loop.
    this.reader?.disconnect();
    await this.loop?.catch(() => undefined);
  }

  private async read(): Promise<void> {
    const reader = this.options.readerConnection();
    this.reader = reader;
    let first = true;
    reader.on('ready', () => {
      if (!first && !this.closed) this.options.onReconnect?.();
      first = false;
    });
    let lastId: string | undefined;
    while (!this.closed) {
      try {
        if (lastId === undefined) {
          const newest = await reader.xrevrange(this.key, '+', '-', 'COUNT', 1);
          lastId = newest[0]?.[0] ?? '0-0';
          this.markPositioned();
        }
        const reply = (await reader.xread('COUNT', 100, 'BLOCK', this.options.blockMs ?? 5000, 'STREAMS', this.key, lastId)) as StreamReply;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const event = eventOf(fields);
            if (!event) continue;
            for (const listener of [...this.listeners]) deliver(listener, event, this.onError);
          }
        }
      } catch (error) {
        if (this.closed) return;
        this.onError(error instanceof Error ? error : new Error(String(error)));
        await new Promise<void>((resolve) => this.options.timers.setTimer(500, resolve));
      }
    }
  }
}
