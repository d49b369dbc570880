/**
 * Portfolios: named groups of sites that a utility or an aggregator manages together (a feeder with the
 * depots behind one transformer, or a market portfolio), with the shared limits the sum of their sites'
 * import and export must respect (grid/portfolio-limits.ts). A site may belong to several portfolios
 * (one feeder and any number of market portfolios).
 *
 * A port of its own beside `Store` (MemoryPortfolioStore, RedisPortfolioStore): portfolios reference sites
 * by id and do not own them. Deleting a site leaves its id in the portfolios that list it; readers show it
 * as missing (adapters/http/views/portfolio-view.ts), so a utility sees that a member is gone.
 *
 * Contract (as Store's): `get` answers undefined for an unknown id; `delete` answers whether it existed;
 * `put` ignores the revision it is given, stores the next one (1 on the first put) and returns the stored
 * record; with a WriteCondition it first checks the stored revision (0 = none) and rejects with
 * StoreConflictError, writing nothing, when it differs. Records come back deep-frozen; `list` is in
 * first-put order.
 */
import type { SharedLimits } from '../../grid/portfolio-limits.ts';
import type { Unrevised, WriteCondition } from './store-conflict.ts';

/** `feeder`: the sites share a physical connection (a site is in at most one feeder); `market`: a commercial pool. */
export type PortfolioKind = 'feeder' | 'market';

export interface PortfolioRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: PortfolioKind;
  /** IANA zone for local labels of the portfolio's plans and dispatches. */
  readonly timeZone: string;
  /** Member sites, no duplicates, in the order given. */
  readonly siteIds: readonly string[];
  /** Limits on the sum of the members' grid import / export; omitted = none. */
  readonly sharedLimits?: SharedLimits;
  readonly createdAtUtcMs: number;
  readonly updatedAtUtcMs: number;
  /** Assigned by the store: 1 on the first put, +1 on every put (store-conflict.ts). */
  readonly revision: number;
}

export interface PortfolioStore {
  get(portfolioId: string): Promise<PortfolioRecord | undefined>;
  list(): Promise<PortfolioRecord[]>;
  put(portfolio: Unrevised<PortfolioRecord>, condition?: WriteCondition): Promise<PortfolioRecord>;
  delete(portfolioId: string): Promise<boolean>;
}
