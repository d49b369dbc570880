/**
 * Typed access to the slots of a BullMQ-backed queue (scripts and invariants in bullmq-slot-scripts.ts):
 * the pending job of each deduplication id (data, run time, debounce cap) and the active lease that
 * keeps two jobs of one id from running together. BullMQ itself only holds the jobs; these records hold
 * what BullMQ's own deduplication cannot express (merging data, a capped debounce, "newer job is the
 * retry").
 *
 * Why not BullMQ's `deduplication: { id, ttl, extend, replace }` alone: its debounce mode REPLACES the data of the
 * delayed job (two writes to different vehicles of one site would lose the first's reason; the port MERGES them),
 * `extend` pushes the run time out without a cap (a steady stream of writes would never be planned; `maxDelayMs`
 * caps it), and it does not stop a second job of the same id from running while the first is active (per-group
 * concurrency is BullMQ Pro only): the active lease does. Using both would make two sources of truth for "is there
 * a pending job of this site", so the slot is the only one; BullMQ keeps delays, retries, stalls and retention.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../store/redis-keys.ts';
import type { RedisReply } from '../store/redis-lua.ts';
import {
  claimScript,
  dropScript,
  releaseScript,
  renewScript,
  requeueScript,
  reserveScript,
  updateScript,
} from './bullmq-slot-scripts.ts';

/** A pending job as its slot records it. */
export interface PendingRecord {
  readonly jobId: string;
  /** JSON of the job data (merged so far). */
  readonly data: string;
  readonly createdAtUtcMs: number;
  readonly runAtUtcMs: number;
  readonly maxRunAtUtcMs?: number;
  readonly version: string;
}

export type ClaimResult =
  | { readonly kind: 'busy'; readonly leaseTtlMs: number }
  | { readonly kind: 'early'; readonly runAtUtcMs: number }
  | { readonly kind: 'claimed'; readonly data: string; readonly createdAtUtcMs: number; readonly maxRunAtUtcMs?: number }
  | { readonly kind: 'unrecorded' };

function optionalNumber(text: RedisReply | undefined): number | undefined {
  return typeof text === 'string' && text !== '' ? Number(text) : undefined;
}

function list(reply: RedisReply): RedisReply[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected slot script reply ${JSON.stringify(reply)}`);
  return reply;
}

export class Slots {
  constructor(
    private readonly keys: RedisKeys,
    private readonly queue: string,
  ) {}

  private pendingKey(slot: string): string {
    return this.keys.pending(this.queue, slot);
  }

  private activeKey(slot: string): string {
    return this.keys.active(this.queue, slot);
  }

  async readPending(client: Redis, slot: string): Promise<PendingRecord | undefined> {
    const h = await client.hgetall(this.pendingKey(slot));
    if (!h.jobId || h.data === undefined) return undefined;
    const maxRunAtUtcMs = optionalNumber(h.maxRunAt);
    return {
      jobId: h.jobId,
      data: h.data,
      createdAtUtcMs: Number(h.createdAt),
      runAtUtcMs: Number(h.runAt),
      ...(maxRunAtUtcMs !== undefined ? { maxRunAtUtcMs } : {}),
      version: h.v ?? '',
    };
  }

  /** Creates the slot's pending job (id `<idBase>-<n>` unless `fixedJobId`); undefined when one exists. */
  async reserve(
    client: Redis,
    slot: string,
    job: { readonly idBase: string; readonly fixedJobId?: string; readonly data: string; readonly nowUtcMs: number; readonly runAtUtcMs: number; readonly maxRunAtUtcMs?: number },
  ): Promise<string | undefined> {
    const reply = list(
      await reserveScript.run(client, [this.pendingKey(slot), this.keys.queueSeq(this.queue)], [
        job.idBase,
        job.data,
        job.nowUtcMs,
        job.runAtUtcMs,
        job.maxRunAtUtcMs ?? '',
        job.fixedJobId ?? '',
      ]),
    );
    return reply[0] === 'created' ? String(reply[1]) : undefined;
  }

  /** Compare-and-set of the pending job; false when it changed or started meanwhile. */
  async update(client: Redis, slot: string, expected: PendingRecord, next: { readonly data: string; readonly runAtUtcMs: number; readonly maxRunAtUtcMs?: number }): Promise<boolean> {
    const reply = await updateScript.run(client, [this.pendingKey(slot)], [expected.jobId, expected.version, next.data, next.runAtUtcMs, next.maxRunAtUtcMs ?? '']);
    return reply === 1;
  }

  async drop(client: Redis, slot: string, expected: PendingRecord): Promise<boolean> {
    return (await dropScript.run(client, [this.pendingKey(slot)], [expected.jobId, expected.version])) === 1;
  }

  /** Forgets a just-reserved record whose BullMQ job could not be added (unless merged into since). */
  async forget(client: Redis, slot: string, jobId: string): Promise<boolean> {
    return (await dropScript.run(client, [this.pendingKey(slot)], [jobId, '1'])) === 1;
  }

  async claim(client: Redis, slot: string, jobId: string, nowUtcMs: number, leaseMs: number): Promise<ClaimResult> {
    const reply = list(await claimScript.run(client, [this.pendingKey(slot), this.activeKey(slot)], [jobId, nowUtcMs, leaseMs]));
    switch (reply[0]) {
      case 'busy':
        return { kind: 'busy', leaseTtlMs: Number(reply[1]) };
      case 'early':
        return { kind: 'early', runAtUtcMs: Number(reply[1]) };
      case 'claimed': {
        const maxRunAtUtcMs = optionalNumber(reply[3]);
        return { kind: 'claimed', data: String(reply[1]), createdAtUtcMs: Number(reply[2]), ...(maxRunAtUtcMs !== undefined ? { maxRunAtUtcMs } : {}) };
      }
      default:
        return { kind: 'unrecorded' };
    }
  }

  async renew(client: Redis, slot: string, jobId: string, leaseMs: number): Promise<boolean> {
    return (await renewScript.run(client, [this.activeKey(slot)], [jobId, leaseMs])) === 1;
  }

  /** The job holding the slot's active lease, if any. */
  async activeHolder(client: Redis, slot: string): Promise<string | undefined> {
    return (await client.get(this.activeKey(slot))) ?? undefined;
  }

  /** Releases the lease; returns the slot's pending job id, if any. */
  async release(client: Redis, slot: string, jobId: string): Promise<string | undefined> {
    const reply = await releaseScript.run(client, [this.activeKey(slot), this.pendingKey(slot)], [jobId]);
    return typeof reply === 'string' ? reply : undefined;
  }

  /** After a retryable failure: the newer pending job's id, or undefined when this job is pending again. */
  async requeue(
    client: Redis,
    slot: string,
    job: { readonly jobId: string; readonly data: string; readonly createdAtUtcMs: number; readonly runAtUtcMs: number; readonly maxRunAtUtcMs?: number },
  ): Promise<string | undefined> {
    const reply = list(
      await requeueScript.run(client, [this.pendingKey(slot), this.activeKey(slot)], [job.jobId, job.data, job.createdAtUtcMs, job.runAtUtcMs, job.maxRunAtUtcMs ?? '']),
    );
    return reply[0] === 'newer' ? String(reply[1]) : undefined;
  }
}
