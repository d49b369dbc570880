/** The store conformance suite against the embedded MemoryStore (the reference behaviour). */
import { MemoryStore } from '../../../adapters/store/memory-store.ts';
import { describeStoreConformance } from './store-conformance.ts';

describeStoreConformance('MemoryStore', async () => ({ store: new MemoryStore(), cleanup: async () => undefined }));
