/**
 * What a portfolio's coordination needs beside the service backend (service-backend.ts): its queue
 * (`portfolio`) and where its plans and dispatches are kept; in this process (MemoryQueue,
 * MemoryPortfolioRuns) or, with REDIS_URL, on the backend's Redis (BullmqQueue named `portfolio`, worker
 * connections of its own; RedisPortfolioRuns). Closed before the backend (it uses its producer connection).
 */
import type { Clock, Timers } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import { BullmqQueue } from '../queue/bullmq-queue.ts';
import { MemoryQueue } from '../queue/memory-queue.ts';
import { MemoryPortfolioRuns, type PortfolioRuns } from '../store/portfolio-runs.ts';
import { createRedisClient } from '../store/redis-connection.ts';
import { RedisPortfolioRuns } from '../store/redis-portfolio-runs.ts';
import { mergePortfolioJobData, type PortfolioJobData, type PortfolioJobResult, type PortfolioQueue } from './portfolio-job.ts';
import type { ServiceBackend } from './service-backend.ts';

export interface PortfolioBackend {
  readonly queue: PortfolioQueue;
  readonly runs: PortfolioRuns;
}

export function createPortfolioBackend(
  config: ServiceConfig,
  backend: ServiceBackend,
  options: { readonly clock: Clock; readonly timers: Timers; readonly processName: string; readonly onError: (error: Error) => void },
): PortfolioBackend {
  const { clock, timers, onError } = options;
  if (!backend.redis || config.redisUrl === undefined) {
    return { queue: new MemoryQueue<PortfolioJobData, PortfolioJobResult>({ clock, timers, concurrency: 1, merge: mergePortfolioJobData }), runs: new MemoryPortfolioRuns() };
  }
  const url = config.redisUrl;
  const queue = new BullmqQueue<PortfolioJobData, PortfolioJobResult>({
    name: 'portfolio',
    connection: backend.redis,
    workerConnection: () => createRedisClient(url, 'worker', { connectionName: `${options.processName}-portfolio`, onError }),
    prefix: config.redisPrefix,
    clock,
    timers,
    concurrency: 1,
    merge: mergePortfolioJobData,
    onError,
    lockDurationMs: config.queueLockMs,
    stalledIntervalMs: config.queueStalledIntervalMs,
  });
  return { queue, runs: new RedisPortfolioRuns(backend.redis, config.redisPrefix) };
}
