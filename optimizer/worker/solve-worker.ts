/**
 * A solver worker thread: loads HiGHS once, then solves one request at a time, synchronously, so the
 * parent's event loop never blocks. Replies carry the WebAssembly heap size so the pool can retire a
 * worker whose heap has grown (it never shrinks).
 */
import { parentPort } from 'node:worker_threads';
import { loadHighs } from '../backends/highs-loader.ts';
import { createHighsBackend } from '../backends/highs-backend.ts';
import { lpSolverBackend } from '../backends/lp-solver-backend.ts';
import { solveWithBackend } from '../solve-problem.ts';
import { solveWithDecomposition } from '../decomposition/decompose.ts';
import type { ProgressMessage, ReadyMessage, SolveReply, SolveRequest } from './messages.ts';
import type { SolveProgress } from '../solve-progress.ts';
import { ResidentModels } from '../portfolio/resident-models.ts';
import { solveWithUncappedLp } from '../portfolio/site-bound-solve.ts';

if (!parentPort) throw new Error('solve-worker.ts must run in a worker thread');
const port = parentPort;
const highs = await loadHighs();
const highsBackend = createHighsBackend(highs);
/** Portfolio sites' open models (resident requests), on HiGHS runtimes of their own (never this thread's cold one). */
let residents: ResidentModels | undefined;

/** Time between the pool posting the request and this thread receiving it (ms; 0 when not stamped). */
function handOverMs(request: SolveRequest): number {
  return request.postedAtMs === undefined ? 0 : Math.max(0, performance.timeOrigin + performance.now() - request.postedAtMs);
}

async function handle(request: SolveRequest): Promise<void> {
  let reply: SolveReply;
  try {
    const backend = request.solver === 'lp-solver' ? lpSolverBackend : highsBackend;
    const onProgress = request.progress
      ? (progress: SolveProgress) => port.postMessage({ id: request.id, progress } satisfies ProgressMessage)
      : undefined;
    if (request.resident) {
      const r = request.resident;
      residents ??= new ResidentModels(loadHighs, { maxBytes: r.maxBytes });
      const { uncappedBound, ...capped } = r.request;
      // The uncapped LP needs the capped plan's model: a site whose model cannot be held is solved as without
      // resident models (capped plan and uncapped LP on one model opened for this request), said cold with why;
      // else its uncapped LP would be refused and solved again cold in a second round (session 16).
      const noRoom = uncappedBound ? residents.roomFor(r.key, request.problem, r.version) : undefined;
      if (noRoom !== undefined) {
        const both = await solveWithUncappedLp(request.problem, r.request, highsBackend, async (priced) => solveWithBackend(priced, highsBackend, request.options), request.options.timeLimitMs !== undefined ? { timeLimitMs: request.options.timeLimitMs } : {});
        port.postMessage({ id: request.id, ok: true, plan: both.plan, heapBytes: highs.memoryBytes, resident: { how: 'cold', coldReason: noRoom }, uncapped: both.uncapped } satisfies SolveReply);
        return;
      }
      const answer = await residents.answer(r.key, request.problem, capped, async (priced) => solveWithBackend(priced, highsBackend, request.options), request.options.timeLimitMs, r.version);
      const uncapped = uncappedBound ? residents.uncappedLp(r.key, r.request) : undefined;
      port.postMessage({ id: request.id, ok: true, plan: answer.solution.plan, heapBytes: highs.memoryBytes, resident: { how: answer.how, ...(answer.coldReason !== undefined ? { coldReason: answer.coldReason } : {}), ...(answer.replaced !== undefined ? { replaced: answer.replaced } : {}) }, ...(uncapped ? { uncapped } : {}) } satisfies SolveReply);
      return;
    }
    if (request.boundRequest) {
      const both = await solveWithUncappedLp(request.problem, request.boundRequest, highsBackend, async (priced) => solveWithBackend(priced, highsBackend, request.options), request.options.timeLimitMs !== undefined ? { timeLimitMs: request.options.timeLimitMs } : {});
      port.postMessage({ id: request.id, ok: true, plan: both.plan, heapBytes: highs.memoryBytes, resident: { how: both.how, ...(both.coldReason !== undefined ? { coldReason: both.coldReason } : {}) }, uncapped: both.uncapped } satisfies SolveReply);
      return;
    }
    const plan =
      request.engine === 'decomposition'
        ? await solveWithDecomposition(request.problem, {
            timeLimitMs: request.options.timeLimitMs,
            ...request.decomposition,
            masterBackend: highsBackend,
            ...(onProgress ? { onProgress } : {}),
          })
        : solveWithBackend(request.problem, backend, request.options, { ...(onProgress ? { onProgress } : {}), alreadyElapsedMs: handOverMs(request) });
    reply = { id: request.id, ok: true, plan, heapBytes: highs.memoryBytes };
  } catch (error) {
    reply = { id: request.id, ok: false, message: (error as Error).stack ?? String(error), heapBytes: highs.memoryBytes };
  }
  port.postMessage(reply);
}

port.on('message', (request: SolveRequest) => void handle(request));
const ready: ReadyMessage = { ready: true, highsVersion: highs.version.string };
port.postMessage(ready);
