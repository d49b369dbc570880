/** The embedded portfolio store (portfolio-store.ts): in this process's memory, records deep-frozen. */
import { deepFreeze } from './deep-freeze.ts';
import type { PortfolioRecord, PortfolioStore } from './portfolio-store.ts';
import { checkCondition, type Unrevised, type WriteCondition } from './store-conflict.ts';

export class MemoryPortfolioStore implements PortfolioStore {
  private readonly portfolios = new Map<string, PortfolioRecord>();

  async get(portfolioId: string) {
    return this.portfolios.get(portfolioId);
  }

  async list() {
    return [...this.portfolios.values()];
  }

  async put(portfolio: Unrevised<PortfolioRecord>, condition?: WriteCondition) {
    const current = this.portfolios.get(portfolio.id);
    checkCondition('portfolio', portfolio.id, current?.revision ?? 0, condition);
    const stored = deepFreeze({ ...portfolio, revision: (current?.revision ?? 0) + 1 } as PortfolioRecord);
    this.portfolios.set(portfolio.id, stored);
    return stored;
  }

  async delete(portfolioId: string) {
    return this.portfolios.delete(portfolioId);
  }
}
