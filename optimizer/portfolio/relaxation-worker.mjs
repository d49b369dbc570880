// Worker-thread entry: registers tsx's TypeScript loader in this thread, then loads the relaxation thread.
// (Worker threads do not inherit loader hooks registered in the parent thread.)
import { register } from 'tsx/esm/api';

register();
await import('./relaxation-worker.ts');
