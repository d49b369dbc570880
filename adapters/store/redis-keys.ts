/**
 * Every Redis key the service uses, under one prefix (`V2G_REDIS_PREFIX`, default `v2g`), so several
 * deployments and test runs share one Redis without seeing each other.
 *
 * Layout (`<p>` = prefix, `<site>` = encodeURIComponent(siteId), so an id can never forge a key):
 * - `<p>:seq`                         store-wide counter that orders sites, sessions and dispatches
 * - `<p>:sites`                       zset siteId by first-put order
 * - `<p>:site:<site>`                 hash: `record`, `signals` (both `<revision>:<JSON>`), `currentPlanId`, `lastAttempt`, `lastSuccessUtcMs`
 * - `<p>:site:<site>:sessions` / `:session-order`     hash id -> `<revision>:<JSON>` / zset id by first-put order
 * - `<p>:site:<site>:dispatches` / `:dispatch-order` hash id -> `<revision>:<JSON>` / zset id by first-put order
 * - `<p>:site:<site>:plans` / `:plan-order`           hash id -> JSON / list of ids, newest first
 * - `<p>:site:<site>:meter`           zset `<seq>:<JSON>` charger meter readings scored by reading time (redis-meter-log.ts)
 * - `<p>:portfolios` / `<p>:portfolio-order`         hash id -> `<revision>:<JSON>` / zset id by first-put order (redis-portfolio-store.ts)
 * - `<p>:idem:<key>`                  hash: `fp`, `exp`, `response` (with PX expiry)
 * - `<p>:chargers`                    zset (all scores 0, lexicographic) of charge point ids with credentials
 * - `<p>:charger:<cp>`                hash: `chargePointId`, `passwordHash`, `source`, `createdAtUtcMs`, `updatedAtUtcMs`
 *                                     (`<cp>` = encodeURIComponent(chargePointId); redis-charger-credentials.ts)
 * - `<p>:charger-status:<cp>`         hash: `link`, `evse:<n>` -> `<atUtcMs>:<JSON>` (redis-charger-status.ts)
 * - `<p>:plan-ready`                  stream: "plan P of site S is saved" for the OCPP gateways (capped)
 * - `<p>:bull:<queue>:...`            BullMQ's own keys (its `prefix` option is `<p>:bull`)
 * - `<p>:q:<queue>:seq`               job id counter
 * - `<p>:q:<queue>:pending:<slot>`    hash: the pending job of a slot (bullmq-slot-scripts.ts)
 * - `<p>:q:<queue>:active:<slot>`     string: the job of a slot being processed (a lease)
 *
 * Invariant: every key starts with `<p>:`, so `SCAN MATCH <p>:*` finds all of a deployment's data.
 * Not for Redis Cluster: scripts touch a site's keys and the `sites` index together (no hash tags).
 */

export const defaultRedisPrefix = 'v2g';

const prefixPattern = /^[A-Za-z0-9{}][A-Za-z0-9._{}-]*(:[A-Za-z0-9._{}-]+)*$/;

/** Why `prefix` cannot namespace keys (glob characters would break `SCAN MATCH`), or undefined. */
export function redisPrefixIssue(prefix: string): string | undefined {
  if (prefix.length === 0 || prefix.length > 100) return 'must be 1-100 characters';
  if (!prefixPattern.test(prefix)) return 'may hold only A-Z a-z 0-9 . _ - { } and single ":" separators';
  return undefined;
}

const enc = encodeURIComponent;

export class RedisKeys {
  readonly prefix: string;

  constructor(prefix: string = defaultRedisPrefix) {
    const issue = redisPrefixIssue(prefix);
    if (issue) throw new Error(`the Redis key prefix "${prefix}" ${issue}`);
    this.prefix = prefix;
  }

  /** `SCAN MATCH` pattern of every key of this prefix. */
  get pattern(): string {
    return `${this.prefix}:*`;
  }

  get seq(): string {
    return `${this.prefix}:seq`;
  }

  get sites(): string {
    return `${this.prefix}:sites`;
  }

  site(siteId: string): string {
    return `${this.prefix}:site:${enc(siteId)}`;
  }

  sessions(siteId: string): string {
    return `${this.site(siteId)}:sessions`;
  }

  sessionOrder(siteId: string): string {
    return `${this.site(siteId)}:session-order`;
  }

  dispatches(siteId: string): string {
    return `${this.site(siteId)}:dispatches`;
  }

  dispatchOrder(siteId: string): string {
    return `${this.site(siteId)}:dispatch-order`;
  }

  plans(siteId: string): string {
    return `${this.site(siteId)}:plans`;
  }

  planOrder(siteId: string): string {
    return `${this.site(siteId)}:plan-order`;
  }

  /** Charger meter readings of a site (redis-meter-log.ts). */
  meterLog(siteId: string): string {
    return `${this.site(siteId)}:meter`;
  }

  /** Every key of a site, the site hash first. */
  siteKeys(siteId: string): string[] {
    return [
      this.site(siteId),
      this.sessions(siteId),
      this.sessionOrder(siteId),
      this.dispatches(siteId),
      this.dispatchOrder(siteId),
      this.plans(siteId),
      this.planOrder(siteId),
      this.meterLog(siteId),
    ];
  }

  /** The stream of saved plans (adapters/service/redis-plan-bus.ts). */
  get planReady(): string {
    return `${this.prefix}:plan-ready`;
  }

  /** Portfolio records (redis-portfolio-store.ts). */
  get portfolios(): string {
    return `${this.prefix}:portfolios`;
  }

  get portfolioOrder(): string {
    return `${this.prefix}:portfolio-order`;
  }

  idempotency(key: string): string {
    return `${this.prefix}:idem:${enc(key)}`;
  }

  /** Index of charge points with a credentials record (redis-charger-credentials.ts). */
  get chargers(): string {
    return `${this.prefix}:chargers`;
  }

  /** A charge point's link and delivery outcomes (redis-charger-status.ts). */
  chargerStatus(chargePointId: string): string {
    return `${this.prefix}:charger-status:${enc(chargePointId)}`;
  }

  /** The last beat of each OCPP gateway process (redis-charger-status.ts): field = gateway, value `<atUtcMs>:1`. */
  get gatewayBeats(): string {
    return `${this.prefix}:gateway-beats`;
  }

  /** One charge point's credentials hash. */
  charger(chargePointId: string): string {
    return `${this.prefix}:charger:${enc(chargePointId)}`;
  }

  /** BullMQ's `prefix` option: its keys are `<p>:bull:<queue>:...`. */
  get bullPrefix(): string {
    return `${this.prefix}:bull`;
  }

  queueSeq(queue: string): string {
    return `${this.prefix}:q:${queue}:seq`;
  }

  /** A slot is `d:<deduplicationId>` or `j:<jobId>` (a job without deduplication id). */
  pending(queue: string, slot: string): string {
    return `${this.prefix}:q:${queue}:pending:${slot}`;
  }

  active(queue: string, slot: string): string {
    return `${this.prefix}:q:${queue}:active:${slot}`;
  }
}

/** The slot of a job: its deduplication id, or the job itself. */
export function slotOf(jobId: string, deduplicationId: string | undefined): string {
  return deduplicationId === undefined ? `j:${enc(jobId)}` : `d:${enc(deduplicationId)}`;
}
