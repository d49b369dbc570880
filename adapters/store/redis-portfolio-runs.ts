/**
 * Portfolio plans and dispatches (portfolio-runs.ts) on Redis: the latest plan of a portfolio as one JSON
 * string `<p>:portfolio:<id>:plan`, its dispatches in a hash `<p>:portfolio:<id>:dispatches` (field = dispatch
 * id) with their order in a list `<p>:portfolio:<id>:dispatch-order`. Non-finite numbers survive (redis-json.ts).
 */
import type { Redis } from 'ioredis';
import { decodeRecord, encodeRecord } from './redis-json.ts';
import { guarded } from './redis-errors.ts';
import { defaultRedisPrefix } from './redis-keys.ts';
import type { PortfolioDispatchRecord, PortfolioPlanRecord, PortfolioRuns } from './portfolio-runs.ts';

export class RedisPortfolioRuns implements PortfolioRuns {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string = defaultRedisPrefix,
  ) {}

  private key(portfolioId: string, what: 'plan' | 'dispatches' | 'dispatch-order'): string {
    return `${this.prefix}:portfolio:${encodeURIComponent(portfolioId)}:${what}`;
  }

  putPlan(plan: PortfolioPlanRecord) {
    return guarded('putPortfolioPlan', async () => {
      await this.client.set(this.key(plan.portfolioId, 'plan'), encodeRecord(plan));
    });
  }

  getLatestPlan(portfolioId: string) {
    return guarded('getPortfolioPlan', async () => {
      const text = await this.client.get(this.key(portfolioId, 'plan'));
      return text === null ? undefined : decodeRecord<PortfolioPlanRecord>(text);
    });
  }

  putDispatch(dispatch: PortfolioDispatchRecord) {
    return guarded('putPortfolioDispatch', async () => {
      const added = await this.client.hset(this.key(dispatch.portfolioId, 'dispatches'), dispatch.id, encodeRecord(dispatch));
      if (added === 1) await this.client.rpush(this.key(dispatch.portfolioId, 'dispatch-order'), dispatch.id);
      return decodeRecord<PortfolioDispatchRecord>(encodeRecord(dispatch));
    });
  }

  getDispatch(portfolioId: string, dispatchId: string) {
    return guarded('getPortfolioDispatch', async () => {
      const text = await this.client.hget(this.key(portfolioId, 'dispatches'), dispatchId);
      return text === null ? undefined : decodeRecord<PortfolioDispatchRecord>(text);
    });
  }

  listDispatches(portfolioId: string) {
    return guarded('listPortfolioDispatches', async () => {
      const ids = await this.client.lrange(this.key(portfolioId, 'dispatch-order'), 0, -1);
      if (ids.length === 0) return [];
      const texts = await this.client.hmget(this.key(portfolioId, 'dispatches'), ...ids);
      return texts.flatMap((t) => (t === null ? [] : [decodeRecord<PortfolioDispatchRecord>(t)]));
    });
  }
}
