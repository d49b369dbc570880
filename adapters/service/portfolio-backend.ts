/**
 * What a portfolio's coordination needs beside the service backend (service-backend.ts): its queue
 * (`portfolio`) and where its plans and dispatches are kept; in this process (MemoryQueue,
 * MemoryPortfolioRuns) or, with REDIS_URL, on the backend's Redis (BullmqQueue named `portfolio`, worker
 * connections of its own; RedisPortfolioRuns). Closed before the backend (it uses its producer connection).
 */
import type { Clock, Timers } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import { MemoryQueue } from '../queue/memory-queue.ts';
import { MemoryPortfolioRuns, type PortfolioRuns } from '../store/portfolio-runs.ts';
import type { PortfolioFlow } from './portfolio-flow.ts';
import { mergePortfolioJobData, type PortfolioJobData, type PortfolioJobResult, type PortfolioQueue } from './portfolio-job.ts';
import type { ServiceBackend } from './service-backend.ts';

export interface PortfolioBackend {
  readonly queue: PortfolioQueue;
  readonly runs: PortfolioRuns;
  /** Redis mode: site solves as BullMQ flow children (the worker role calls `process`; closed before the backend). */
  readonly flow?: PortfolioFlow;
}

export async function createPortfolioBackend(
  config: ServiceConfig,
  backend: ServiceBackend,
  options: { readonly clock: Clock; readonly timers: Timers; readonly processName: string; readonly onError: (error: Error) => void },
): Promise<PortfolioBackend> {
  const { clock, timers } = options;
  const redisUrl = config.redisUrl;
  if (!backend.redis || redisUrl === undefined) {
    return { queue: new MemoryQueue<PortfolioJobData, PortfolioJobResult>({ clock, timers, concurrency: 1, merge: mergePortfolioJobData }), runs: new MemoryPortfolioRuns() };
  }
  // Imported only with REDIS_URL: an embedded start loads neither bullmq nor ioredis.
  const { createRedisPortfolioBackend } = await import('./redis-portfolio-backend.ts');
  return createRedisPortfolioBackend({ ...config, redisUrl }, backend.redis, options);
}
