/**
 * The portfolio plan job: "coordinate portfolio P" (optimizer/portfolio/coordinate.ts over its member
 * sites under its shared limits and its pending dispatches), deduplicated per portfolio
 * (`portfolio-<id>`), reasons merged, retried with backoff when a site solve fails. It runs on its own
 * queue (`portfolio`: MemoryQueue embedded, BullMQ with REDIS_URL), in one worker process per job: that
 * worker solves the sites on its solver pool (SOLVER_POOL_SIZE threads), not as child jobs of a flow.
 */
import type { ServiceConfig } from '../config.ts';
import type { JobQueue } from '../queue/queue.ts';

export interface PortfolioJobData {
  readonly portfolioId: string;
  /** Why (merged when deduplicated), e.g. `dispatch pdispatch-...`, `POST /v1/portfolios/P/plan`. */
  readonly reasons: readonly string[];
}

export interface PortfolioJobResult {
  readonly portfolioPlanId: string;
}

export type PortfolioQueue = JobQueue<PortfolioJobData, PortfolioJobResult>;

const maxReasons = 20;

export function mergePortfolioJobData(pending: PortfolioJobData, incoming: PortfolioJobData): PortfolioJobData {
  const reasons = [...new Set([...pending.reasons, ...incoming.reasons])];
  return { portfolioId: pending.portfolioId, reasons: reasons.slice(Math.max(0, reasons.length - maxReasons)) };
}

/** Queues a coordination of the portfolio, to run as soon as none of it runs. */
export function requestPortfolioPlan(queue: PortfolioQueue, config: ServiceConfig, portfolioId: string, reason: string) {
  return queue.add('portfolio-plan', { portfolioId, reasons: [reason] }, {
    deduplicationId: `portfolio-${portfolioId}`,
    attempts: config.replanAttempts,
    backoff: { type: 'exponential', delayMs: config.replanBackoffMs, jitter: 0.2 },
  });
}
