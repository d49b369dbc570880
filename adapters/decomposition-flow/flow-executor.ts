/**
 * The decomposition's shard executor (optimizer/decomposition/shard-executor.ts) on BullMQ: each shard runs
 * in a worker process serving its own queue (shard-worker.ts), and every coordinator step (open, each
 * pricing, plan, close) is one BullMQ flow: a parent job on this solve's coordinator queue, one child per
 * shard (jobs.ts). This process runs the coordinator queue's worker; it resolves the step from the parent's
 * `getChildrenValues()`. Per pricing only the prices go out (T numbers per shard) and per-shard sums come
 * back (T + G x T + G numbers): the vehicles go once (`open`), the plan comes back once (`plan`).
 *
 * Faults, all loud (the step rejects with a coded error, and so does the solve):
 * - a child failed (the shard worker threw, or does not hold the shard: restarted) -> the parent still runs
 *   (`ignoreDependencyOnFailure`) and the step rejects with the child's reason;
 * - a shard queue has no worker process while a step waits (killed, crashed: its Redis connection is gone;
 *   checked every `livenessIntervalMs` with BullMQ's `getWorkersCount`) -> V2G_ERR_DECOMPOSITION_SHARD_LOST
 *   naming the shard and queue. The solve does not complete: the lost shard's kept answers are gone.
 */
import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { combineShards, type PricedColumns, type ShardExecutor, type ShardExecutorFactory, type ShardExecutorInput, type ShardPriced } from '../../optimizer/decomposition/shard-executor.ts';
import { shardBounds } from '../../optimizer/decomposition/shards.ts';
import type { DpVehicle } from '../../optimizer/decomposition/vehicle-dp.ts';
import { RedisKeys } from '../store/redis-keys.ts';
import { coordinatorQueueName, type ChildData, type ChildResult, type StepName } from './jobs.ts';
import { packArray, packVehicles, unpackFloat64, unpackStays } from './wire.ts';

export interface FlowExecutorOptions {
  /** Makes a `worker` client (maxRetriesPerRequest null); the executor closes the clients it made. */
  readonly connection: () => Redis;
  /** V2G_REDIS_PREFIX (default v2g). */
  readonly prefix?: string;
  /** One shard per queue, each served by a shard worker process (shard-worker.ts). */
  readonly shardQueues: readonly string[];
  /** How often a waiting step checks that every shard queue still has a worker (ms). Default 1000. */
  readonly livenessIntervalMs?: number;
  /** BullMQ connection errors of the coordinator's worker (log them). */
  readonly onError?: (error: Error) => void;
  /** Receives per-step traffic and timing (the bench's scaling numbers). */
  readonly onStep?: (step: StepRecord) => void;
}

/** One step's traffic and timing. */
export interface StepRecord {
  readonly step: StepName;
  /** Wall time from adding the flow to the parent's results (ms). */
  readonly wallMs: number;
  /** Per shard: time the worker spent computing (ms). */
  readonly computeMs: readonly number[];
  /** From adding the flow to the last child's start (queueing), and from the last child's end to the fan-in (ms, wall clock). */
  readonly queuedMs: number;
  readonly fanInMs: number;
  /** JSON bytes of the children's data (out) and of their results (back). */
  readonly bytesOut: number;
  readonly bytesBack: number;
  /** Per shard worker process: peak resident set (MB), reported with `plan`. */
  readonly peakRssMb?: readonly number[];
}

/** Error of a lost or failed shard (the step's and the solve's reason). */
export class ShardLostError extends Error {
  readonly code = 'V2G_ERR_DECOMPOSITION_SHARD_LOST';
  readonly retryable = true;
  /** As the service's coded errors (adapters/errors.ts): 503, no field issues. */
  readonly statusCode = 503;
  readonly errors: readonly never[] = [];
  constructor(message: string) {
    super(message.startsWith('V2G_ERR_') ? message : `V2G_ERR_DECOMPOSITION_SHARD_LOST: ${message}`);
    this.name = 'ShardLostError';
  }
}

interface Waiter {
  resolve(values: ChildResult[]): void;
  reject(error: Error): void;
}

/** The executor factory `solveWithDecomposition({ shardExecutor })` takes. */
export function flowShardExecutor(options: FlowExecutorOptions): ShardExecutorFactory {
  return async (input) => {
    const executor = new FlowShardExecutor(options, input);
    try {
      await executor.open();
    } catch (error) {
      await executor.close();
      throw error;
    }
    return executor;
  };
}

export class FlowShardExecutor implements ShardExecutor {
  readonly solveId = randomUUID();
  private readonly redis: Redis;
  private readonly workerRedis: Redis;
  private readonly flows: FlowProducer;
  private readonly coordinator: Worker;
  private readonly queues: Queue[];
  private readonly bullPrefix: string;
  private readonly bounds: number[];
  private readonly waiting = new Map<string, Waiter>();
  private readonly outcomes = new Map<string, ChildResult[] | Error>();
  private steps = 0;
  private answerSets = 0;
  private closed = false;
  /** A step failed: shards may be gone, so `close` does not ask them (it could wait for a dead queue). */
  private broken = false;

  constructor(
    private readonly options: FlowExecutorOptions,
    private readonly input: ShardExecutorInput,
  ) {
    this.bullPrefix = new RedisKeys(options.prefix).bullPrefix;
    this.redis = options.connection();
    this.flows = new FlowProducer({ connection: this.redis, prefix: this.bullPrefix });
    this.queues = options.shardQueues.map((name) => new Queue(name, { connection: this.redis, prefix: this.bullPrefix }));
    this.bounds = shardBounds(input.vehicles, options.shardQueues.length);
    this.workerRedis = options.connection();
    this.coordinator = new Worker(coordinatorQueueName(this.solveId), (job) => this.fanIn(job), {
      connection: this.workerRedis,
      prefix: this.bullPrefix,
      concurrency: 1,
      // The coordinator's own work (master LP, placement plan) is synchronous and may outlast BullMQ's 30 s.
      lockDuration: 600_000,
    });
    // A step resumes only once BullMQ has finished its parent job: the coordinator's synchronous work that
    // follows must not hold up the job's completion (its lock would expire: "Missing lock").
    this.coordinator.on('completed', (job) => this.settle(job.id!));
    this.coordinator.on('failed', (job) => job && this.settle(job.id!));
    this.coordinator.on('error', (error) => this.options.onError?.(error));
  }

  private shardVehicles(s: number): readonly DpVehicle[] {
    return this.input.vehicles.slice(this.bounds[s], this.bounds[s + 1]);
  }

  /** Sends every shard its vehicles (once per solve). */
  async open(): Promise<void> {
    const { slotCount, slotHours, groupCount, groupOf } = this.input;
    await this.step('open', (s) => ({
      vehicles: packVehicles(this.shardVehicles(s)),
      groupOf: packArray(groupOf.slice(this.bounds[s], this.bounds[s + 1])),
      slotCount,
      slotHours,
      groupCount,
    }));
  }

  async priceColumns(lambdaKw: Float64Array): Promise<PricedColumns> {
    const lambda = packArray(lambdaKw);
    const answerSet = this.answerSets++;
    const results = await this.step('price', () => ({ lambdaKw: lambda, answerSet }));
    const parts: ShardPriced[] = results.map((r) => ({
      objective: r.objective!,
      sumKw: unpackFloat64(r.sumKw!),
      groupSumKw: unpackFloat64(r.groupSumKw!),
      groupCost: unpackFloat64(r.groupCost!),
    }));
    return combineShards(parts, this.input.slotCount, this.input.groupCount);
  }

  async plan(weights: Float64Array): Promise<Float64Array[]> {
    const packed = packArray(weights);
    const results = await this.step('plan', () => ({ weights: packed }));
    return results.flatMap((r, s) => unpackStays(r.powers!, this.shardVehicles(s), this.input.slotCount));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.steps > 0 && !this.broken) await this.step('close', () => ({})).catch(() => undefined);
    } finally {
      await this.coordinator.close();
      const coordinatorQueue = new Queue(coordinatorQueueName(this.solveId), { connection: this.redis, prefix: this.bullPrefix });
      await coordinatorQueue.obliterate({ force: true }).catch(() => undefined);
      await coordinatorQueue.close();
      await Promise.all(this.queues.map((q) => q.close()));
      await this.flows.close();
      this.workerRedis.disconnect();
      this.redis.disconnect();
    }
  }

  /** The parent job of a step: every child finished; keep its results (or failures) for `settle`. */
  private async fanIn(job: Job): Promise<void> {
    if (!this.waiting.has(job.id!)) return;
    const failures = Object.values(await job.getIgnoredChildrenFailures());
    if (failures.length > 0) {
      this.outcomes.set(job.id!, new ShardLostError(`step ${job.name} failed: ${failures.join('; ')}`));
      return;
    }
    const values = Object.values(await job.getChildrenValues<ChildResult>());
    const byShard: ChildResult[] = [];
    for (const value of values) byShard[value.shard] = value;
    this.outcomes.set(job.id!, byShard);
  }

  /** Hands a finished parent's outcome to its waiting step. */
  private settle(jobId: string): void {
    const waiter = this.waiting.get(jobId);
    const outcome = this.outcomes.get(jobId);
    this.outcomes.delete(jobId);
    if (!waiter) return;
    if (outcome === undefined) waiter.reject(new ShardLostError(`step ${jobId}: the parent job finished without its children's results`));
    else if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }

  /** One flow: a parent on the coordinator queue, one child per shard; resolves with the results in shard order. */
  private async step(step: StepName, data: (shard: number) => Omit<ChildData, 'solveId' | 'shard'>): Promise<ChildResult[]> {
    const parentId = `${step}-${++this.steps}`;
    const started = performance.now();
    const startedAtMs = Date.now();
    const children = this.options.shardQueues.map((queueName, shard) => ({
      name: step,
      queueName,
      data: { solveId: this.solveId, shard, ...data(shard) } satisfies ChildData,
      opts: { ignoreDependencyOnFailure: true, removeOnComplete: true, removeOnFail: 100, attempts: 1 },
    }));
    const bytesOut = children.reduce((n, c) => n + JSON.stringify(c.data).length, 0);
    const done = new Promise<ChildResult[]>((resolve, reject) => this.waiting.set(parentId, { resolve, reject }));
    const watch = this.watchLiveness(step, done);
    try {
      await this.flows.add({
        name: step,
        queueName: coordinatorQueueName(this.solveId),
        data: {},
        opts: { jobId: parentId, removeOnComplete: true, removeOnFail: true },
        children,
      });
      const results = await Promise.race([done, watch.lost]);
      const fannedInAtMs = Date.now();
      const bytesBack = results.reduce((n, r) => n + JSON.stringify(r).length, 0);
      this.options.onStep?.({
        step,
        wallMs: performance.now() - started,
        computeMs: results.map((r) => r.computeMs ?? 0),
        queuedMs: Math.max(...results.map((r) => (r.startedAtMs ?? startedAtMs) - startedAtMs)),
        fanInMs: fannedInAtMs - Math.max(...results.map((r) => r.finishedAtMs ?? fannedInAtMs)),
        bytesOut,
        bytesBack,
        ...(step === 'plan' ? { peakRssMb: results.map((r) => r.peakRssMb ?? 0) } : {}),
      });
      return results;
    } catch (error) {
      this.broken = true;
      throw error;
    } finally {
      watch.stop();
      this.waiting.delete(parentId);
    }
  }

  /** Rejects `lost` when a shard queue has no worker process while `done` is pending. */
  private watchLiveness(step: StepName, done: Promise<unknown>): { lost: Promise<never>; stop: () => void } {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const lost = new Promise<never>((_, reject) => {
      const check = async () => {
        if (stopped) return;
        const counts = await Promise.all(this.queues.map((q) => q.getWorkersCount().catch(() => -1)));
        const gone = counts.findIndex((c) => c === 0);
        if (gone >= 0 && !stopped) {
          reject(new ShardLostError(`shard ${gone} (queue ${this.options.shardQueues[gone]}) has no worker process while step ${step} waits; its kept answers are gone`));
          return;
        }
        if (!stopped) timer = setTimeout(() => void check(), this.options.livenessIntervalMs ?? 1000);
      };
      timer = setTimeout(() => void check(), this.options.livenessIntervalMs ?? 1000);
    });
    lost.catch(() => undefined);
    void done.catch(() => undefined);
    return {
      lost,
      stop: () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      },
    };
  }
}
