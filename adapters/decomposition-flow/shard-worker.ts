/**
 * A decomposition shard worker: a BullMQ worker on one shard queue (jobs.ts) that holds the shards of the
 * solves it opened (optimizer/decomposition/shard-columns.ts), cached by solve id, and prices them when the
 * coordinator's flows ask. Run one per process (shard-worker-main.ts); a cluster runs one per machine core.
 *
 * Faults: a job for a shard this process does not hold (it restarted, or evicted the solve) fails
 * permanently with V2G_ERR_DECOMPOSITION_SHARD_LOST (no retry: the answers it kept are gone). At most
 * `maxSolves` solves are held (oldest evicted first), so a coordinator that died never leaks more than that.
 * A process killed mid-job leaves its job active; the coordinator sees the queue without workers and fails
 * the solve (flow-executor.ts).
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ShardColumns } from '../../optimizer/decomposition/shard-columns.ts';
import { packArray, packStays, unpackFloat64, unpackInt32, unpackVehicles } from './wire.ts';
import { RedisKeys } from '../store/redis-keys.ts';
import { dropIdleQueueKeys } from './shard-queue-cleanup.ts';
import type { ChildData, ChildResult, StepName } from './jobs.ts';

export interface ShardWorkerOptions {
  /** A `worker` client (maxRetriesPerRequest null); the worker duplicates it for blocking calls. */
  readonly connection: Redis;
  /** V2G_REDIS_PREFIX (default v2g). */
  readonly prefix?: string;
  /** The shard queue this process serves. */
  readonly queueName: string;
  /** Solves held at once. Default 4. */
  readonly maxSolves?: number;
  /**
   * BullMQ `lockDuration` (ms). Default 600 000: a pricing is synchronous (the lock cannot be renewed while it
   * runs), and 50,000 vehicles on a loaded core took longer than BullMQ's 30 s, so the job was taken for
   * stalled. A dead process is noticed by the coordinator's liveness check instead (flow-executor.ts).
   */
  readonly lockDurationMs?: number;
  readonly onError?: (error: Error) => void;
}

export interface ShardWorker {
  readonly worker: Worker<ChildData, ChildResult>;
  /**
   * Closes the worker (waits for a job in flight), drops the shards it held and, when its queue holds no job,
   * deletes the BullMQ bookkeeping keys the queue left under this prefix (shard-queue-cleanup.ts). The
   * connection stays open (its owner closes it).
   */
  close(): Promise<void>;
}

const lost = (solveId: string, shard: number, why: string) =>
  new UnrecoverableError(`V2G_ERR_DECOMPOSITION_SHARD_LOST: shard ${shard} of solve ${solveId}: ${why}`);

export function startShardWorker(options: ShardWorkerOptions): ShardWorker {
  const held = new Map<string, ShardColumns>();
  const maxSolves = options.maxSolves ?? 4;
  const run = (job: Job<ChildData, ChildResult>): ChildResult => {
    const data = job.data;
    const started = performance.now();
    const step = job.name as StepName;
    if (step === 'open') {
      const vehicles = unpackVehicles(data.vehicles!, data.slotCount!);
      held.set(data.solveId, new ShardColumns(vehicles, data.slotCount!, data.slotHours!, unpackInt32(data.groupOf!), data.groupCount!));
      while (held.size > maxSolves) held.delete(held.keys().next().value!);
      return { shard: data.shard, vehicles: vehicles.length, computeMs: performance.now() - started };
    }
    if (step === 'close') {
      held.delete(data.solveId);
      return { shard: data.shard };
    }
    const shard = held.get(data.solveId);
    if (!shard) throw lost(data.solveId, data.shard, `this worker process (${process.pid}) does not hold it (restarted, or evicted)`);
    if (step === 'price') {
      if (data.answerSet !== shard.answerSets) {
        throw lost(data.solveId, data.shard, `answer set ${data.answerSet} asked, ${shard.answerSets} held`);
      }
      const priced = shard.price(unpackFloat64(data.lambdaKw!));
      return {
        shard: data.shard,
        objective: priced.objective,
        sumKw: packArray(priced.sumKw),
        groupSumKw: packArray(priced.groupSumKw),
        groupCost: packArray(priced.groupCost),
        computeMs: performance.now() - started,
      };
    }
    if (step === 'plan') {
      const powers = shard.plan(unpackFloat64(data.weights!));
      const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
      return { shard: data.shard, powers: packStays(shard.vehicles, powers), computeMs: performance.now() - started, peakRssMb };
    }
    throw new UnrecoverableError(`V2G_ERR_DECOMPOSITION_SHARD_LOST: unknown step ${String(job.name)}`);
  };
  const bullPrefix = new RedisKeys(options.prefix).bullPrefix;
  const worker = new Worker<ChildData, ChildResult>(options.queueName, (job) => {
    const startedAtMs = Date.now();
    const result = run(job);
    return Promise.resolve({ ...result, startedAtMs, finishedAtMs: Date.now() });
  }, {
    connection: options.connection,
    prefix: bullPrefix,
    concurrency: 1,
    lockDuration: options.lockDurationMs ?? 600_000,
  });
  worker.on('error', (error) => options.onError?.(error));
  return {
    worker,
    async close() {
      await worker.close();
      held.clear();
      // With Redis gone the worker connection (maxRetriesPerRequest null) would wait for it forever: skip then.
      if (options.connection.status !== 'ready') return;
      await dropIdleQueueKeys(options.connection, bullPrefix, options.queueName).catch((error: unknown) => options.onError?.(error as Error));
    },
  };
}
