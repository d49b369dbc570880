/** The price step's worker thread (aggregate-thread.ts): solves the one request in its `workerData`, posts the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { solveAggregateHere, type AggregateRequest, type AggregateThreadReply } from './aggregate-thread.ts';

if (!parentPort) throw new Error('aggregate-worker.ts must run in a worker thread');
let reply: AggregateThreadReply;
try {
  reply = { ok: true, result: await solveAggregateHere(workerData as AggregateRequest) };
} catch (error) {
  reply = { ok: false, message: (error as Error).stack ?? String(error) };
}
parentPort.postMessage(reply);
