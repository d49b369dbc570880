import { MemoryPortfolioStore } from '../../../adapters/store/memory-portfolio-store.ts';
import { describePortfolioStoreConformance } from './portfolio-store-conformance.ts';

describePortfolioStoreConformance('MemoryPortfolioStore', async () => {
  const store = new MemoryPortfolioStore();
  return { store, peer: store, cleanup: async () => undefined };
});
