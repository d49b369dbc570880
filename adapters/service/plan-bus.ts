/**
 * The plan bus: "plan P of site S is saved", from the process that solved it (a worker) to the processes
 * that hold the chargers' connections (OCPP gateways). Embedded, one process does both and
 * `MemoryPlanBus` hands the event over in memory; with REDIS_URL, `RedisPlanBus` (redis-plan-bus.ts)
 * carries it through a capped Redis stream, so any number of gateways on any machine see every plan.
 *
 * Contract for implementations:
 * - `publish` resolves once the event is on the bus (Redis: written), or rejects (Redis down:
 *   StoreUnavailableError, retryable): a plan saved but not announced fails the re-plan attempt, which is
 *   retried, so an announcement is never dropped silently.
 * - Every subscriber sees every event published after it subscribed, in publish order, at least once
 *   (a gateway that reconnects to Redis reads on from the last event it saw).
 * - The event only names the plan: subscribers read the site's CURRENT plan from the store, so a late or
 *   repeated event can never install an older plan.
 * - A listener's failure never breaks the bus or other listeners.
 */

/** A plan was saved as its site's current plan. */
export interface PlanReady {
  readonly siteId: string;
  readonly planId: string;
  /** When the plan was made (UTC epoch ms). */
  readonly createdAtUtcMs: number;
}

export type PlanReadyListener = (event: PlanReady) => void | Promise<void>;

export interface PlanBus {
  publish(event: PlanReady): Promise<void>;
  /** Starts delivering events to `listener`; returns the unsubscribe function. */
  subscribe(listener: PlanReadyListener): () => void;
  /** Stops delivering (subscriptions end); publishing afterwards rejects. */
  close(): Promise<void>;
}

/** Calls `listener` and reports (never throws) what it threw or rejected with. */
export function deliver(listener: PlanReadyListener, event: PlanReady, onError: (error: Error) => void): void {
  try {
    const result = listener(event);
    if (result instanceof Promise) result.catch((e: unknown) => onError(e instanceof Error ? e : new Error(String(e))));
  } catch (e) {
    onError(e instanceof Error ? e : new Error(String(e)));
  }
}

/** The embedded plan bus: listeners are called after `publish` resolves (never inside it). */
export class MemoryPlanBus implements PlanBus {
  private readonly listeners = new Set<PlanReadyListener>();
  private closed = false;

  constructor(private readonly onError: (error: Error) => void = () => undefined) {}

  async publish(event: PlanReady): Promise<void> {
    if (this.closed) throw new Error('the plan bus is closed');
    const listeners = [...this.listeners];
    setImmediate(() => {
      for (const listener of listeners) deliver(listener, event, this.onError);
    });
  }

  subscribe(listener: PlanReadyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }
}
