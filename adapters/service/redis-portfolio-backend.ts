/**
 * The portfolio backend with REDIS_URL (portfolio-backend.ts): a BullmqQueue named `portfolio` with worker
 * connections of its own, RedisPortfolioRuns on the backend's Redis, and the flows that run a coordination's
 * site solves as child jobs (portfolio-flow.ts). Imported only in Redis mode, so that an
 * embedded start loads neither bullmq nor ioredis (test/bin/embedded-start-packages.test.ts).
 */
import type { Redis } from 'ioredis';
import type { Clock, Timers } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import { BullmqQueue } from '../queue/bullmq-queue.ts';
import { createRedisClient } from '../store/redis-connection.ts';
import { RedisPortfolioRuns } from '../store/redis-portfolio-runs.ts';
import type { PortfolioRuns } from '../store/portfolio-runs.ts';
import { PortfolioFlow } from './portfolio-flow.ts';
import { mergePortfolioJobData, type PortfolioJobData, type PortfolioJobResult, type PortfolioQueue } from './portfolio-job.ts';

export function createRedisPortfolioBackend(
  config: ServiceConfig & { readonly redisUrl: string },
  redis: Redis,
  options: { readonly clock: Clock; readonly timers: Timers; readonly processName: string; readonly onError: (error: Error) => void },
): { readonly queue: PortfolioQueue; readonly runs: PortfolioRuns; readonly flow: PortfolioFlow } {
  const { clock, timers, onError } = options;
  const url = config.redisUrl;
  const queue = new BullmqQueue<PortfolioJobData, PortfolioJobResult>({
    name: 'portfolio',
    connection: redis,
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
  const flow = new PortfolioFlow({
    redis,
    workerConnection: () => createRedisClient(url, 'worker', { connectionName: `${options.processName}-portfolio-flow`, onError }),
    prefix: config.redisPrefix,
    processName: `${options.processName} pid ${process.pid}`,
    onError,
    lockDurationMs: config.queueLockMs,
    stalledIntervalMs: config.queueStalledIntervalMs,
  });
  return { queue, runs: new RedisPortfolioRuns(redis, config.redisPrefix), flow };
}
