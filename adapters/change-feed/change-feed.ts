/**
 * The change feed: "something a dashboard shows changed" (a plan, a session, a charger, a dispatch, a site, its
 * signals), from whichever process made the change to every process that holds open dashboard streams
 * (event-stream.ts). Embedded, `MemoryChangeFeed` hands the change over in memory; with REDIS_URL,
 * `RedisChangeFeed` (redis-change-feed.ts) carries it over Redis pub/sub, so a plan saved by a worker process or
 * a charger link written by a gateway process reaches the API process's browsers.
 *
 * Contract:
 * - A change only names what changed; readers fetch the current state (a late or repeated change is harmless).
 * - `publish` never throws for a delivery problem: the write it announces is already done. A feed that
 *   cannot publish reports the error (logged by the owner) and, where it may have lost changes (Redis
 *   reconnect), announces `resync` so every reader re-reads everything.
 * - A listener's failure never breaks the feed or other listeners.
 */

/** What a change is about. `resync`: changes may have been missed; re-read everything. */
export type ChangeKind = 'plan' | 'session' | 'charger' | 'dispatch' | 'site' | 'signals' | 'portfolio' | 'resync';

export interface Change {
  readonly kind: ChangeKind;
  /** The site, when known (a charger's change names its charge point instead). */
  readonly siteId?: string;
  /** The record: plan, session, dispatch or portfolio id, or the charge point id. */
  readonly id?: string;
  /** When the change was published (UTC epoch ms). */
  readonly atUtcMs: number;
}

export type ChangeListener = (change: Change) => void;

export interface ChangeFeed {
  publish(change: Change): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/** Calls every listener, reporting (never throwing) what one threw. */
export function fanOut(listeners: Iterable<ChangeListener>, change: Change, onError: (error: Error) => void): void {
  for (const listener of [...listeners]) {
    try {
      listener(change);
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/** The embedded change feed: listeners are called after `publish` resolves (never inside it). */
export class MemoryChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private closed = false;

  constructor(private readonly onError: (error: Error) => void = () => undefined) {}

  async publish(change: Change): Promise<void> {
    if (this.closed) return;
    setImmediate(() => fanOut(this.listeners, change, this.onError));
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }
}

/** Parses a change from the wire (Redis), or undefined when it is not one. */
export function changeOf(text: string): Change | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const kinds: readonly string[] = ['plan', 'session', 'charger', 'dispatch', 'site', 'signals', 'portfolio', 'resync'];
  if (typeof v.kind !== 'string' || !kinds.includes(v.kind) || typeof v.atUtcMs !== 'number') return undefined;
  return {
    kind: v.kind as ChangeKind,
    atUtcMs: v.atUtcMs,
    ...(typeof v.siteId === 'string' ? { siteId: v.siteId } : {}),
    ...(typeof v.id === 'string' ? { id: v.id } : {}),
  };
}
