// Worker-thread entry: registers tsx's TypeScript loader in this thread, then loads the price step's worker.
// (Worker threads do not inherit loader hooks registered in the parent thread.)
import { register } from 'tsx/esm/api';

register();
await import('./aggregate-worker.ts');
