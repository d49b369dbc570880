/**
 * One relaxation thread of the decomposed price step (relaxation-threads.ts): opens the relaxations of the sites in
 * its `workerData` in its own HiGHS, then answers rounds (each site re-solved warm at the round's adder) until
 * asked to close, when it disposes every model and says how many.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createHighsBackend } from '../backends/highs-backend.ts';
import { loadHighs } from '../backends/highs-loader.ts';
import { RelaxationModels } from './relaxation-models.ts';
import type { RelaxationThreadInit, RelaxationThreadReply, RelaxationThreadRequest } from './relaxation-threads.ts';

if (!parentPort) throw new Error('relaxation-worker.ts must run in a worker thread');
const port = parentPort;
const init = workerData as RelaxationThreadInit;
let models: RelaxationModels | undefined;
const post = (reply: RelaxationThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
try {
  models = new RelaxationModels(createHighsBackend(await loadHighs()), init.problems, init.spec);
  post({ kind: 'ready', sizes: models.sizes });
} catch (error) {
  post({ kind: 'failed', message: (error as Error).stack ?? String(error) });
}
port.on('message', (request: RelaxationThreadRequest) => {
  if (request.kind === 'close') {
    post({ kind: 'closed', disposed: models?.dispose() ?? 0 });
    port.close();
    return;
  }
  try {
    if (!models) throw new Error('no models (opening them failed)');
    const answers = models.solveRound(request.adder, request.timeLimitMs);
    const transfer = answers.flatMap((a) => (a.status === 'optimal' ? [a.importKw.buffer as ArrayBuffer, a.exportKw.buffer as ArrayBuffer] : []));
    post({ kind: 'answers', answers }, transfer);
  } catch (error) {
    post({ kind: 'failed', message: (error as Error).stack ?? String(error) });
  }
});
