/**
 * Where the decomposed price step's site relaxations are solved (aggregate-decomposed.ts, issue 17 session 15):
 * in the step's own thread (`relaxationsHere`), or spread over K threads (`relaxationsOnThreads`): this one and
 * K - 1 worker threads, each holding its sites' models in its own HiGHS for the whole step. Site s lives on thread s mod K, always, so its
 * model keeps its basis from round to round; a round posts the adder to every thread, each re-solves its sites in
 * order, and the answers come back in site order. A model's answers depend only on its own model and the adders it
 * was given, so the rounds answer the same whatever K (tested). The master stays in the coordinating thread.
 *
 * `close()` disposes every model (each thread says how many) and ends every thread; a thread that failed or exited
 * is ended too, and its failure is thrown as `V2G_ERR_PORTFOLIO_AGGREGATE` with the reason.
 */
import { Worker } from 'node:worker_threads';
import type { LpBackend } from '../backends/lp-backend.ts';
import type { Problem } from '../problem.ts';
import { RelaxationModels, type RelaxationAnswer, type RelaxationSize, type RelaxationSpec } from './relaxation-models.ts';

/** The sites' relaxations, wherever they live. */
export interface RelaxationPool {
  /** Threads solving them (1: the coordinating thread itself). */
  readonly threads: number;
  /** Per site, its relaxation's size. */
  readonly sizes: readonly RelaxationSize[];
  /** One round: every site re-solved at `adder` from its last basis within `timeLimitMs`; the answers in site order. */
  solveRound(adder: readonly number[], timeLimitMs: number): Promise<RelaxationAnswer[]>;
  /** Disposes every model and ends every thread; answers how many models were disposed. Never rejects. */
  close(): Promise<number>;
}

/** Every relaxation in this thread, in `backend`. */
export function relaxationsHere(backend: LpBackend, problems: readonly Problem[], spec: RelaxationSpec): RelaxationPool {
  const models = new RelaxationModels(backend, problems, spec);
  return {
    threads: 1,
    sizes: models.sizes,
    solveRound: async (adder, timeLimitMs) => models.solveRound(adder, timeLimitMs),
    close: async () => models.dispose(),
  };
}

/** A relaxation thread's set-up (its `workerData`). */
export interface RelaxationThreadInit {
  readonly problems: readonly Problem[];
  readonly spec: RelaxationSpec;
}
export type RelaxationThreadRequest = { readonly kind: 'round'; readonly adder: readonly number[]; readonly timeLimitMs: number } | { readonly kind: 'close' };
export type RelaxationThreadReply =
  | { readonly kind: 'ready'; readonly sizes: RelaxationSize[] }
  | { readonly kind: 'answers'; readonly answers: RelaxationAnswer[] }
  | { readonly kind: 'closed'; readonly disposed: number }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * The worker's entry: beside this file in the sources (with tsx's loader), in `worker/` beside the bundle's chunks;
 * when this code was bundled into a worker entry itself (the aggregate price step's thread, dist/cli/worker/), beside
 * it. Decided from this module's own URL (no file-system probe: optimizer/ does no I/O).
 */
export function relaxationWorkerUrl(moduleUrl: string): URL {
  if (moduleUrl.endsWith('.ts')) return new URL('./relaxation-worker.mjs', moduleUrl);
  return /\/worker\/[^/]+$/.test(new URL(moduleUrl).pathname) ? new URL('./relaxation-worker.js', moduleUrl) : new URL('./worker/relaxation-worker.js', moduleUrl);
}
const workerUrl = () => relaxationWorkerUrl(import.meta.url);

let alive = 0;
/** Relaxation threads started and not yet exited (tests: every step ends its threads). */
export function relaxationThreadsAlive(): number {
  return alive;
}

/** One relaxation thread: one request at a time; its failure or exit rejects the request in flight. */
class RelaxationThread {
  private readonly worker: Worker;
  private pending: { resolve: (r: RelaxationThreadReply) => void; reject: (e: Error) => void } | undefined;
  /** Replies that came with no request waiting (its first, `ready`, may come before it is awaited). */
  private readonly inbox: RelaxationThreadReply[] = [];
  private failure: Error | undefined;
  readonly exited: Promise<void>;

  constructor(
    readonly index: number,
    init: RelaxationThreadInit,
  ) {
    this.worker = new Worker(workerUrl(), { workerData: init });
    alive++;
    this.worker.on('message', (reply: RelaxationThreadReply) => {
      if (this.pending) this.settle((p) => p.resolve(reply));
      else this.inbox.push(reply);
    });
    this.worker.on('error', (error) => this.fail(new Error(`relaxation thread ${index} failed: ${error.message}`)));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        alive--;
        this.fail(new Error(`relaxation thread ${index} exited with code ${code}`));
        resolve();
      }),
    );
  }

  private settle(f: (p: NonNullable<RelaxationThread['pending']>) => void): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) f(p);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle((p) => p.reject(error));
  }

  /** The thread's next reply (its first: `ready` or `failed`, when `request` is undefined). */
  next(request?: RelaxationThreadRequest): Promise<RelaxationThreadReply> {
    const waiting = this.inbox.shift();
    if (waiting && !request) return Promise.resolve(waiting);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      if (request) this.worker.postMessage(request);
    });
  }

  /** Asks it to dispose its models (how many it disposed, 0 when it cannot answer), then ends it. */
  async end(): Promise<number> {
    let disposed = 0;
    if (!this.failure) {
      // A round still running on it (another thread failed) answers first: wait for the `closed` behind it.
      let reply = await this.next({ kind: 'close' }).catch(() => undefined);
      while (reply && reply.kind !== 'closed') reply = await this.next().catch(() => undefined);
      if (reply?.kind === 'closed') disposed = reply.disposed;
    }
    await this.worker.terminate();
    await this.exited;
    return disposed;
  }
}

const replyOf = <K extends RelaxationThreadReply['kind']>(reply: RelaxationThreadReply, kind: K, thread: number): Extract<RelaxationThreadReply, { kind: K }> => {
  if (reply.kind === kind) return reply as Extract<RelaxationThreadReply, { kind: K }>;
  throw new Error(`V2G_ERR_PORTFOLIO_AGGREGATE: relaxation thread ${thread} answered ${reply.kind === 'failed' ? `a failure: ${reply.message}` : reply.kind} instead of ${kind}`);
};

/**
 * Every relaxation over `threads` threads: site s on thread s mod threads; thread 0 is this one (its sites in
 * `backend`, solved while the others solve theirs: it would only wait otherwise, and one thread fewer starts),
 * threads 1.. are worker threads, each with its own HiGHS.
 */
export async function relaxationsOnThreads(backend: LpBackend, problems: readonly Problem[], spec: RelaxationSpec, threads: number): Promise<RelaxationPool> {
  const K = Math.max(1, Math.min(Math.floor(threads), problems.length));
  const share = (k: number) => problems.map((_, s) => s).filter((s) => s % K === k);
  const pool = Array.from({ length: K - 1 }, (_, i) => new RelaxationThread(i + 1, { problems: share(i + 1).map((s) => problems[s]!), spec }));
  let here: RelaxationModels | undefined;
  const close = async () => (await Promise.all(pool.map((t) => t.end()))).reduce((a, n) => a + n, here?.dispose() ?? 0);
  const sizes: RelaxationSize[] = new Array(problems.length);
  try {
    here = new RelaxationModels(backend, share(0).map((s) => problems[s]!), spec);
    here.sizes.forEach((size, i) => (sizes[share(0)[i]!] = size));
    const ready = await Promise.all(pool.map((t) => t.next().then((r) => replyOf(r, 'ready', t.index))));
    ready.forEach((r, i) => share(i + 1).forEach((s, j) => (sizes[s] = r.sizes[j]!)));
  } catch (error) {
    await close();
    throw wrap(error);
  }
  const mine = here;
  return {
    threads: K,
    sizes,
    async solveRound(adder, timeLimitMs) {
      const theirs = Promise.all(pool.map((t) => t.next({ kind: 'round', adder: [...adder], timeLimitMs }).then((r) => replyOf(r, 'answers', t.index))));
      // This thread's share while the others solve theirs (a failure there is taken below, after this share).
      theirs.catch(() => undefined);
      const own = mine.solveRound(adder, timeLimitMs);
      const replies = await theirs.catch((error) => {
        throw wrap(error);
      });
      const answers: RelaxationAnswer[] = new Array(problems.length);
      share(0).forEach((s, i) => (answers[s] = own[i]!));
      replies.forEach((r, i) => share(i + 1).forEach((s, j) => (answers[s] = r.answers[j]!)));
      return answers;
    },
    close,
  };
}

function wrap(error: unknown): Error {
  const message = (error as Error).message ?? String(error);
  return message.startsWith('V2G_ERR_') ? (error as Error) : new Error(`V2G_ERR_PORTFOLIO_AGGREGATE: ${message}`);
}
