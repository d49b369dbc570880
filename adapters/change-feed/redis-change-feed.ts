/**
 * The change feed on Redis pub/sub: channel `<prefix>:changes`, one JSON message per change (change-feed.ts).
 * Pub/sub rather than a stream: a change is only a hint to re-read, so what a reader needs after a gap is not the
 * missed messages but one `resync` (re-read everything), which this feed announces to its listeners whenever its
 * subscriber connection comes back after a drop.
 *
 * Invariants:
 * - Publishing uses the shared fail-fast `producer` client; a failure is reported to `onError`, never thrown
 *   (the write it announces is done). Readers connected to another process that missed it get `resync` when
 *   their own connection recovers; a reader whose connection never dropped misses only that hint.
 * - The subscriber has its own `worker` connection (a subscribed connection can do nothing else); it
 *   re-subscribes by itself after reconnecting (ioredis `autoResubscribe`).
 */
import type { Redis } from 'ioredis';
import { changeOf, fanOut, type Change, type ChangeFeed, type ChangeListener } from './change-feed.ts';

export interface RedisChangeFeedOptions {
  /** The shared fail-fast client (owned by the caller). */
  readonly producer: Redis;
  /** Makes the subscriber's client (closed by the feed). */
  readonly subscriberConnection: () => Redis;
  /** V2G_REDIS_PREFIX. */
  readonly prefix: string;
  readonly clock: { nowUtcMs(): number };
  readonly onError?: (error: Error) => void;
}

export class RedisChangeFeed implements ChangeFeed {
  readonly channel: string;
  private readonly listeners = new Set<ChangeListener>();
  private readonly onError: (error: Error) => void;
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: RedisChangeFeedOptions) {
    this.channel = `${options.prefix}:changes`;
    this.onError = options.onError ?? (() => undefined);
  }

  async publish(change: Change): Promise<void> {
    if (this.closed) return;
    try {
      await this.options.producer.publish(this.channel, JSON.stringify(change));
    } catch (e) {
      this.onError(new Error(`change feed: publishing a ${change.kind} change failed (${e instanceof Error ? e.message : String(e)}); readers re-read when their connection recovers`));
    }
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    this.subscribed ??= this.start();
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the subscriber is subscribed (tests, boot): every change published from then on arrives. */
  async ready(): Promise<void> {
    this.subscribed ??= this.start();
    await this.subscribed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.subscriber?.disconnect();
  }

  private async start(): Promise<void> {
    const sub = this.options.subscriberConnection();
    this.subscriber = sub;
    let first = true;
    sub.on('ready', () => {
      if (!first && !this.closed) fanOut(this.listeners, { kind: 'resync', atUtcMs: this.options.clock.nowUtcMs() }, this.onError);
      first = false;
    });
    sub.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const change = changeOf(message);
      if (change) fanOut(this.listeners, change, this.onError);
      else this.onError(new Error(`change feed: ignored a message that is not a change: ${message.slice(0, 100)}`));
    });
    await sub.subscribe(this.channel);
  }
}
