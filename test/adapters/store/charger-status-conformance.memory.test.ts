/** The charger status board conformance suite against MemoryChargerStatusBoard (the reference). */
import { MemoryChargerStatusBoard } from '../../../adapters/store/memory-charger-status.ts';
import { describeChargerStatusConformance } from './charger-status-conformance.ts';

describeChargerStatusConformance('MemoryChargerStatusBoard', async () => ({ board: new MemoryChargerStatusBoard(), cleanup: async () => undefined }));
