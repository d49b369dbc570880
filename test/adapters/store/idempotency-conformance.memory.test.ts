/** The idempotency conformance suite against MemoryIdempotencyStore (the reference behaviour). */
import { MemoryIdempotencyStore } from '../../../adapters/store/memory-idempotency-store.ts';
import { describeIdempotencyConformance } from './idempotency-conformance.ts';

describeIdempotencyConformance('MemoryIdempotencyStore', async (clock) => ({ store: new MemoryIdempotencyStore(clock), cleanup: async () => undefined }));
