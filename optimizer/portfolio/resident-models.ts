/**
 * The resident site models one solver thread holds (issue 17, session 11): a portfolio site's LP kept open
 * between the coordinator's rounds (resident-site.ts), looked up by a key (the site's, session 16: the same across
 * coordinations, with its problem's version), so that a worker process answering the same site round after round,
 * and coordination after coordination while the site's problem is the same, re-solves from the last LP basis
 * instead of building the site's LP again.
 *
 * Memory: each model is budgeted at its HiGHS heap estimate (memory-estimate.ts); models are spread over HiGHS
 * runtimes (one WebAssembly heap each, at most `safeHeapShare` of the 2 GiB ceiling per runtime) and all of them
 * together at most `maxBytes`. A site that does not fit (even after dropping models idle for `idleEvictMs`) is
 * solved cold, and the answer says so (`how: 'cold'`, `coldReason`). Never silent: every answer says warm, first
 * or cold.
 */
import type { Highs } from 'highs';
import { createHighsBackend } from '../backends/highs-backend.ts';
import { estimateHighsHeapBytes, safeHeapShare, wasmHeapCeilingBytes } from '../memory-estimate.ts';
import type { Plan } from '../plan.ts';
import type { Problem } from '../problem.ts';
import { ResidentSite, type ResidentAnswer } from './resident-site.ts';
import { noUncappedLp, pricedProblem, siteSolutionOf, uncappedAdderOf, type SiteRequest, type UncappedLp } from './site-subproblem.ts';

/** `ResidentModelsOptions.idleEvictMs`'s default (ms). */
export const defaultIdleEvictMs = 30 * 60_000;

/** Options of a thread's resident models. */
export interface ResidentModelsOptions {
  /** All resident models' heap estimates together at most this (bytes). */
  readonly maxBytes: number;
  /**
   * A model unused for this long may be dropped to make room (ms); default 30 minutes. Not shorter: a coordination
   * passes its sites in the same order every time, so with more sites than room a short idle time drops each model
   * before its site comes again (session 16, 200 x 500 with 60 s: 0 warm answers in the dispatch after the plan).
   */
  readonly idleEvictMs?: number;
  /** ms clock (default performance.now). */
  readonly clock?: () => number;
}

interface Runtime {
  readonly highs: Highs;
  usedBytes: number;
}

interface Entry {
  readonly site: ResidentSite;
  /** The version of the site's problem the model was built from (`answer`'s `version`). */
  readonly version: string | undefined;
  readonly runtime: Runtime;
  readonly bytes: number;
  lastUsedMs: number;
}

/** Keyed resident site models of one thread (see the file's comment). */
export class ResidentModels {
  private readonly entries = new Map<string, Entry>();
  private readonly runtimes: Runtime[] = [];
  private readonly clock: () => number;
  private readonly idleEvictMs: number;

  constructor(
    private readonly loadRuntime: () => Promise<Highs>,
    private readonly options: ResidentModelsOptions,
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.idleEvictMs = options.idleEvictMs ?? defaultIdleEvictMs;
  }

  /** Models held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Heap estimates of the models held now (bytes). */
  get usedBytes(): number {
    let sum = 0;
    for (const e of this.entries.values()) sum += e.bytes;
    return sum;
  }

  /**
   * The site's plan at the request's prices and caps: on its open model when held (or when it fits now),
   * else by `cold` (said in `how` and `coldReason`). `problem` is the site's base problem. A key may outlive a
   * coordination (a site's key, so that the next coordination re-solves it warm): `version` names its problem
   * (e.g. a hash of it), and a held model of another version is dropped and the model opened again (`first`,
   * `replaced` says why). Without `version` the key's problem is taken as the same.
   */
  async answer(key: string, problem: Problem, request: SiteRequest, cold: (priced: Problem) => Promise<Plan>, timeLimitMs?: number, version?: string): Promise<ResidentAnswer & { readonly replaced?: string }> {
    let entry = this.entries.get(key);
    let replaced: string | undefined;
    if (entry && version !== undefined && entry.version !== version) {
      this.drop(key, entry);
      entry = undefined;
      replaced = 'the site\'s problem changed since its model was built (another slot grid, vehicle or state)';
    }
    if (!entry) {
      const opened = await this.open(key, problem, cold, timeLimitMs, version);
      if (typeof opened === 'string') {
        const priced = pricedProblem(problem, request);
        const plan = await cold(priced.problem);
        return { solution: siteSolutionOf(problem, priced.adderPerKwh, plan), how: 'cold', coldReason: opened, iterations: 0, ...(replaced ? { replaced } : {}) };
      }
      entry = opened;
      this.entries.set(key, entry);
    }
    entry.lastUsedMs = this.clock();
    const answer = await entry.site.answer(request);
    return replaced ? { ...answer, replaced } : answer;
  }

  /**
   * Why `key`'s model is neither held (of `version`) nor can be opened now, or undefined when it is or can be: its
   * estimate is above one HiGHS heap's share, or the models are full even after dropping those idle for
   * `idleEvictMs` (dropped here, as `answer` would). A caller that needs more than the capped answer (aggregate-
   * first's uncapped LP) solves such a site on a model of its own instead of asking `answer` (which would go cold).
   */
  roomFor(key: string, problem: Problem, version?: string): string | undefined {
    const held = this.entries.get(key);
    if (held && (version === undefined || held.version === version)) return undefined;
    const bytes = estimateHighsHeapBytes(problem);
    const perRuntime = safeHeapShare * wasmHeapCeilingBytes;
    if (bytes > perRuntime) return `the site's model (${Math.round(bytes / 2 ** 20)} MiB estimated) does not fit one HiGHS heap`;
    // A held model of another version is replaced: its bytes are freed first.
    const need = () => this.usedBytes - (held && this.entries.has(key) ? held.bytes : 0) + bytes - this.options.maxBytes;
    if (need() > 0) this.evictIdle(need());
    if (need() > 0) return `resident models full (${this.entries.size} held, ${Math.round(this.usedBytes / 2 ** 20)} of ${Math.round(this.options.maxBytes / 2 ** 20)} MiB estimated, none idle ${this.idleEvictMs} ms)`;
    return undefined;
  }

  /**
   * The uncapped LP of `key`'s held model at the request's adder (right after `answer`: warm from its LP basis;
   * resident-site.ts `uncappedLp`); `refused` when no model is held (the answer went cold: the caller solves it cold).
   */
  uncappedLp(key: string, request: SiteRequest): UncappedLp {
    const entry = this.entries.get(key);
    if (!entry) return noUncappedLp(request.adderPerKwh.length, 'no resident model held for the site');
    entry.lastUsedMs = this.clock();
    return entry.site.uncappedLp({ adderPerKwh: uncappedAdderOf(request) });
  }

  /** Drops every model whose key starts with `prefix` (a coordination that ended). */
  dropPrefix(prefix: string): void {
    for (const [key, e] of this.entries) if (key.startsWith(prefix)) this.drop(key, e);
  }

  /** Drops every model. */
  clear(): void {
    for (const [key, e] of this.entries) this.drop(key, e);
  }

  private drop(key: string, e: Entry): void {
    e.site.dispose();
    e.runtime.usedBytes -= e.bytes;
    this.entries.delete(key);
  }

  /** A new resident model, or why none fits. */
  private async open(key: string, problem: Problem, cold: (priced: Problem) => Promise<Plan>, timeLimitMs: number | undefined, version: string | undefined): Promise<Entry | string> {
    const noRoom = this.roomFor(key, problem, version);
    if (noRoom !== undefined) return noRoom;
    const bytes = estimateHighsHeapBytes(problem);
    const perRuntime = safeHeapShare * wasmHeapCeilingBytes;
    let runtime = this.runtimes.find((r) => r.usedBytes + bytes <= perRuntime);
    if (!runtime) {
      runtime = { highs: await this.loadRuntime(), usedBytes: 0 };
      this.runtimes.push(runtime);
    }
    let site: ResidentSite;
    try {
      site = new ResidentSite(problem, createHighsBackend(runtime.highs), cold, timeLimitMs !== undefined ? { timeLimitMs } : {});
    } catch (error) {
      return `the resident model could not be opened: ${error instanceof Error ? error.message : String(error)}`;
    }
    runtime.usedBytes += bytes;
    return { site, runtime, bytes, version, lastUsedMs: this.clock() };
  }

  /** Drops the least recently used models idle for at least `idleEvictMs` until `needBytes` are free (or none is left idle). */
  private evictIdle(needBytes: number): void {
    const now = this.clock();
    const idle = [...this.entries].filter(([, e]) => now - e.lastUsedMs >= this.idleEvictMs).sort(([, a], [, b]) => a.lastUsedMs - b.lastUsedMs);
    let freed = 0;
    for (const [key, e] of idle) {
      if (freed >= needBytes) break;
      freed += e.bytes;
      this.drop(key, e);
    }
  }
}
