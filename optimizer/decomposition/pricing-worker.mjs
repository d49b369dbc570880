// Worker-thread entry: registers tsx's TypeScript loader in this thread, then loads the pricing worker.
import { register } from 'tsx/esm/api';

register();
await import('./pricing-worker.ts');
