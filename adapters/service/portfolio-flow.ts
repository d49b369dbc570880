/**
 * Site solves of a portfolio coordination as BullMQ flows (Redis mode): every round of the coordinator
 * (optimizer/portfolio/coordinate.ts: all sites under the current feeder prices, or within their caps) is
 * ONE flow: its parent is the coordination step (queue `portfolio-step`), its children the site solves
 * (queue `portfolio-site`), one per site. Any worker process takes children (SOLVER_POOL_SIZE at a time);
 * when the last child is done BullMQ moves the parent to wait, a step worker checks that every child
 * answered, and the coordinator (the portfolio job's processor, portfolio-plan-worker.ts) reads the
 * children's values from the parent (`getChildrenValues`).
 *
 * What travels: each site's problem is stored once per coordination (`<prefix>:pflow:<coordination>:<site>`,
 * with a TTL) and read (and cached) by the child's worker; a child's data is only the site's request (per slot
 * feeder price adder, caps) and its answer only the per-slot sums, objective and bound; with `keepPlan` the child
 * also keeps its plan in Redis (gzipped, `<problem key>:plan:<child job id>`, the problems' TTL, deleted with them)
 * and answers where, so the coordinator takes the chosen plans as made (portfolio-flow-sites.ts); `withPlan`
 * answers with the plan itself (the old final round that re-solved the chosen requests). Numbers that JSON
 * cannot carry (Infinity caps, a -Infinity bound) are encoded as strings.
 *
 * Resident site models (session 11, `process(..., resident)`, PORTFOLIO_SITE_MODELS=resident): such a worker keeps
 * the LP of every site it solves open on its solver thread (SolverPool.solveResident), registers in
 * `<prefix>:pflow:workers` (a sorted set of last beats) and takes, besides the shared queue, its own queue
 * (`portfolio-site-w-<id>`). A coordinator sends each child to the own queue of the site's live worker (`assign`:
 * balanced rendezvous over the coordination's sites, so the same worker round after round) or, with no live worker
 * registered, to the shared queue. While a round waits, a routed worker silent for `deadAfterMs` (killed) has its
 * queue emptied and its unanswered children sent to the others in a new flow (their models open again there); the
 * plan's summary names the routing and the dead workers. A worker wrongly taken for dead costs solves, not answers.
 *
 * Faults: a child that throws fails its parent (`failParentOnFailure`): the round rejects with
 * V2G_ERR_SOLVE_FAILED naming the site, and the portfolio job is retried. A worker killed mid-solve: the
 * child's lock lapses and another worker's stalled check runs it again. No answer within `roundTimeoutMs`:
 * the round rejects with V2G_ERR_SOLVE_FAILED (no worker takes site solves?). A coordinator killed mid-round
 * leaves its flow to finish unread; its problem keys expire.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FlowProducer, Queue, QueueEvents, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { noUncappedLp, problemSubproblem, type SiteBoundSolver, type SiteRequest, type SiteSolution, type UncappedLp } from '../../optimizer/portfolio/site-subproblem.ts';
import { serviceError } from '../errors.ts';
import { closeRedisClient } from '../store/redis-connection.ts';
import { RedisKeys } from '../store/redis-keys.ts';
import type { PlanSolver } from './replan-worker.ts';

export const portfolioSiteQueue = 'portfolio-site';
export const portfolioStepQueue = 'portfolio-step';
const cpuMsBetween = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;

/** The queue of site solves routed to one worker process (its registry id), or the shared queue. */
const workerQueue = (workerId: string | undefined) => (workerId ? `${portfolioSiteQueue}-w-${workerId}` : portfolioSiteQueue);

/** One site solve of a round. */
export interface SiteSolveRequest {
  readonly siteId: string;
  readonly request: SiteRequest;
  /** Answer with the plan (the final round), not only the sums. */
  readonly withPlan: boolean;
  /**
   * Keep the plan in Redis for the coordinator (gzipped JSON under `planKey`, with the problems' TTL): if this
   * answer is chosen, its plan is taken as made (`SiteRoundRunner.takePlans`), never solved again.
   */
  readonly keepPlan?: boolean;
}

/** A child's answer: the site's solution (its plan only when asked for) and which worker process solved it. */
export interface SiteSolveAnswer {
  readonly siteId: string;
  readonly solution: Omit<SiteSolution<Plan>, 'plan' | 'bestResponse'> & { readonly bestResponse?: Omit<SiteSolution<Plan>, 'plan' | 'bestResponse' | 'uncapped'> };
  readonly plan?: Plan;
  /** Where the plan was kept (`keepPlan`). */
  readonly planKey?: string;
  /**
   * Where the site's best response (SiteRequest.uncappedPlan: its uncapped plan at the same prices) was kept, beside
   * its plan (`keepPlan` only: without a key the best response is not answered, so a coordinator never chooses a plan
   * it cannot take as made).
   */
  readonly bestResponsePlanKey?: string;
  readonly solvedBy: string;
  /** Process CPU (ms) of the worker during the solve and while keeping the plan (gzip + SET). */
  readonly cpuMs?: { readonly solve: number; readonly keep: number };
  /** With resident site models (`process(..., resident)`): how the worker made the plan. */
  readonly resident?: { readonly how: 'warm' | 'first' | 'cold'; readonly coldReason?: string; readonly replaced?: string };
}

/**
 * A worker's resident site solver (SolverPool.solveResident): the plan of `problem` (the site's base problem)
 * priced and capped by `request`, on the model kept under `key` when it can, and how it was made. `key` is the
 * site's (the same in every coordination, session 16) and `version` its problem's hash: a model built from another
 * problem of the site is replaced (`replaced` says so).
 */
export type ResidentSiteSolver = (problem: Problem, key: string, request: SiteRequest, version?: string) => Promise<{ readonly plan: Plan; readonly how: 'warm' | 'first' | 'cold'; readonly coldReason?: string; readonly replaced?: string; readonly uncapped?: UncappedLp }>;

/** Where a round's children went: by worker (routed) or to the shared queue, and the sites moved off a dead worker. */
export interface RoundRouting {
  /** Children sent to a worker's own queue (the one holding the site's model) per round. */
  routed: number;
  /** Children sent to the shared queue (no live worker registered, or routing off). */
  shared: number;
  /** Children sent again because their worker stopped beating during the round, and the workers found dead. */
  reassigned: number;
  readonly deadWorkers: Set<string>;
}

/** Runs rounds of site solves for one coordination (portfolio-flow-sites.ts). */
export interface SiteRoundRunner {
  runRound(requests: readonly SiteSolveRequest[]): Promise<SiteSolveAnswer[]>;
  /** Where this coordination's children went (routed to workers, shared, sent again). */
  readonly routing?: RoundRouting;
  /** The plans kept under these keys (`keepPlan`), in order; undefined where a key is gone (expired). */
  takePlans?(planKeys: readonly string[]): Promise<(Plan | undefined)[]>;
}

export interface PortfolioFlowOptions {
  /** A `producer` client (shared, owned by the caller): problems, the flow producer. */
  readonly redis: Redis;
  /** Makes a `worker` client (blocking reads); the flow closes the clients it made. */
  readonly workerConnection: () => Redis;
  readonly prefix?: string;
  /** Said in every answer (`solvedBy`): this process. */
  readonly processName: string;
  readonly onError: (error: Error) => void;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** A round without every answer after this long fails (ms). Default 15 minutes. */
  readonly roundTimeoutMs?: number;
  /** Stored problems expire after this long (ms). Default 1 hour. */
  readonly problemTtlMs?: number;
  /**
   * Site affinity (resident models): a worker process that takes site solves registers itself and beats every
   * `heartbeatMs` (default 2 s); a coordinator sends each site's children to the queue of the live worker chosen
   * by rendezvous hashing of the site over the live workers (the same worker round after round while it lives),
   * and a worker silent for `deadAfterMs` (default 30 s) has its unanswered children sent again to the others.
   * Default on; `false`: every child to the shared queue (any worker).
   */
  readonly routing?: boolean;
  readonly heartbeatMs?: number;
  readonly deadAfterMs?: number;
}

/** JSON that keeps Infinity, -Infinity, NaN and -0 (BullMQ stores job data and results as JSON). */
export function encodeNumbers(value: unknown): string {
  return JSON.stringify(value, (_k, x: unknown) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? (Object.is(x, -0) ? '#-0' : `#${String(x)}`) : x));
}

export function decodeNumbers<T>(text: string): T {
  return JSON.parse(text, (_k, x: unknown) => (x === '#Infinity' ? Infinity : x === '#-Infinity' ? -Infinity : x === '#NaN' ? NaN : x === '#-0' ? -0 : x)) as T;
}

interface ChildData {
  /** encodeNumbers({ problemKey, index, siteId, request, withPlan }) */
  readonly payload: string;
}

interface ChildPayload extends SiteSolveRequest {
  readonly problemKey: string;
  readonly index: number;
}

/** A site's problem as a child read it, with its version (the hash of its stored JSON: resident models compare it). */
interface CachedProblem {
  readonly problem: Problem;
  readonly version: string;
}

/** Parsed problems by key, oldest dropped first (a worker solves the same sites round after round). */
class ProblemCache {
  private readonly entries = new Map<string, CachedProblem>();
  constructor(private readonly capacity: number) {}
  get(key: string): CachedProblem | undefined {
    return this.entries.get(key);
  }
  set(key: string, problem: CachedProblem): void {
    this.entries.set(key, problem);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

export class PortfolioFlow {
  private readonly keys: RedisKeys;
  private readonly producer: FlowProducer;
  private readonly cache = new ProblemCache(1000);
  private readonly clients: Redis[] = [];
  private readonly workers: Worker[] = [];
  private events: QueueEvents | undefined;
  private siteQueue: Queue | undefined;
  private sequence = 0;
  /** Each running coordination's sites, in order (for a stable assignment to workers). */
  private readonly members = new Map<string, readonly string[]>();
  /** This process's id in the worker registry and its own queue's name suffix (set by `process`). */
  private workerId: string | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: PortfolioFlowOptions) {
    this.keys = new RedisKeys(options.prefix);
    this.producer = new FlowProducer({ connection: options.redis, prefix: this.keys.bullPrefix });
    this.producer.on('error', options.onError);
  }

  private get registryKey(): string {
    return `${this.keys.prefix}:pflow:workers`;
  }

  /** The live workers' ids (registered, beat within `deadAfterMs`), sorted. */
  private async liveWorkers(): Promise<string[]> {
    if (this.options.routing === false) return [];
    const since = Date.now() - (this.options.deadAfterMs ?? 30_000);
    return (await this.options.redis.zrangebyscore(this.registryKey, since, '+inf')).sort();
  }

  /**
   * Each site's worker among `live`: balanced (at most ceil(sites / workers) each) and stable (every site goes to
   * its highest-ranked worker by rendezvous hashing that still has room, sites in the given order), so the same
   * sites and workers give the same assignment round after round, and a worker that goes moves few other sites.
   */
  static assign(siteIds: readonly string[], live: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    if (live.length === 0) return out;
    const room = Math.ceil(siteIds.length / live.length);
    const load = new Map(live.map((w) => [w, 0]));
    for (const siteId of siteIds) {
      const ranked = live.map((w) => ({ w, score: createHash('sha1').update(`${siteId}\u0000${w}`).digest('hex') })).sort((a, b) => (a.score < b.score ? 1 : a.score > b.score ? -1 : 0));
      const chosen = ranked.find((r) => load.get(r.w)! < room)!.w;
      load.set(chosen, load.get(chosen)! + 1);
      out.set(siteId, chosen);
    }
    return out;
  }

  /** Where the site solves run, said in every portfolio plan. */
  describe(poolSize: number): string {
    return `BullMQ flows: each coordination round is a parent job (queue ${portfolioStepQueue}) with one child job per site (queue ${portfolioSiteQueue}, or the own queue of the live worker holding the site's resident model: see the routing below), taken by a worker process (${poolSize} at a time each); coordinated by ${this.options.processName}`;
  }

  /** Stores the sites' problems of one coordination and returns its round runner; `end` forgets them. */
  async begin(coordinationId: string, problems: readonly { readonly siteId: string; readonly problem: Problem }[]): Promise<Required<SiteRoundRunner> & { end(): Promise<void> }> {
    const problemKey = (siteId: string) => `${this.keys.prefix}:pflow:${coordinationId}:${encodeURIComponent(siteId)}`;
    const ttl = this.options.problemTtlMs ?? 3_600_000;
    const multi = this.options.redis.multi();
    for (const p of problems) multi.set(problemKey(p.siteId), JSON.stringify(p.problem), 'PX', ttl);
    await multi.exec();
    this.members.set(coordinationId, problems.map((p) => p.siteId));
    /** Plans the children kept for this coordination: deleted with its problems. */
    const planKeys: string[] = [];
    const routing: RoundRouting = { routed: 0, shared: 0, reassigned: 0, deadWorkers: new Set() };
    return {
      routing,
      runRound: async (requests) => {
        const answers = await this.round(coordinationId, requests.map((r, index) => ({ ...r, index, problemKey: problemKey(r.siteId) })), routing);
        for (const a of answers) if (a.planKey) planKeys.push(a.planKey);
        return answers;
      },
      takePlans: async (keys) => {
        if (keys.length === 0) return [];
        const texts = await this.options.redis.mgetBuffer(...keys);
        return texts.map((b) => (b ? decodeNumbers<Plan>(gunzipSync(b).toString('utf8')) : undefined));
      },
      end: async () => {
        this.members.delete(coordinationId);
        const keys = [...problems.map((p) => problemKey(p.siteId)), ...planKeys];
        for (let i = 0; i < keys.length; i += 1000) await this.options.redis.del(...keys.slice(i, i + 1000)).catch(this.options.onError);
      },
    };
  }

  private async round(coordinationId: string, children: readonly ChildPayload[], routing: RoundRouting): Promise<SiteSolveAnswer[]> {
    const stepId = `${coordinationId}-r${++this.sequence}`;
    const answers = new Array<SiteSolveAnswer | undefined>(children.length);
    let pending = children;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const live = (await this.liveWorkers()).filter((w) => !routing.deadWorkers.has(w));
      const got = await this.flowOnce(attempt === 0 ? stepId : `${stepId}-again${attempt}`, coordinationId, pending, live, routing);
      for (const [index, answer] of got.answers) answers[index] = answer;
      pending = pending.filter((c) => !answers[c.index]);
      routing.reassigned += pending.length;
      if (pending.length > 0 && got.dead.length === 0) {
        throw serviceError('V2G_ERR_SOLVE_FAILED', `portfolio coordination round ${stepId}: no answer from the site solves of ${pending.map((c) => c.siteId).join(', ')}`);
      }
    }
    return answers as SiteSolveAnswer[];
  }

  /**
   * One flow of `children` (routed over `live` workers, or to the shared queue when none): its answers by index,
   * and the workers found dead while waiting (their unanswered children are the caller's to send again).
   */
  private async flowOnce(stepId: string, coordinationId: string, children: readonly ChildPayload[], live: readonly string[], routing: RoundRouting): Promise<{ answers: Map<number, SiteSolveAnswer>; dead: string[] }> {
    this.events ??= this.makeEvents();
    await this.events.waitUntilReady();
    // Balanced over every site of the coordination (not only this round's), so a site keeps its worker across rounds.
    const assigned = PortfolioFlow.assign(this.members.get(coordinationId) ?? children.map((c) => c.siteId), live);
    const queueOf = new Map(children.map((c) => [c.index, assigned.get(c.siteId)]));
    for (const w of queueOf.values()) {
      if (w) routing.routed++;
      else routing.shared++;
    }
    const node = await this.producer.add({
      name: 'coordination-step',
      queueName: portfolioStepQueue,
      data: { coordinationId, children: children.length },
      opts: { jobId: stepId, removeOnFail: { count: 100 } },
      children: children.map((c) => ({
        name: 'site-solve',
        queueName: workerQueue(queueOf.get(c.index)),
        data: { payload: encodeNumbers(c) } satisfies ChildData,
        opts: { jobId: `${stepId}-s${c.index}`, failParentOnFailure: true, removeOnComplete: true, removeOnFail: { count: 100 } },
      })),
    });
    const timeoutMs = this.options.roundTimeoutMs ?? 900_000;
    const used = [...new Set([...queueOf.values()].filter((w): w is string => w !== undefined))];
    let watching = true;
    // While waiting: a routed worker that stopped beating ends the wait (its children go to the others).
    const watch = async (): Promise<string[]> => {
      const every = this.options.heartbeatMs ?? 2000;
      while (watching && used.length > 0) {
        await new Promise((r) => setTimeout(r, every));
        if (!watching) break;
        const alive = new Set(await this.liveWorkers().catch(() => used));
        const dead = used.filter((w) => !alive.has(w));
        if (dead.length > 0) return dead;
      }
      return new Promise<never>(() => undefined); // the flow finished first: this side of the race never wins
    };
    let dead: string[] = [];
    try {
      const finished = node.job.waitUntilFinished(this.events, timeoutMs).then(() => 'done' as const);
      finished.catch(() => undefined); // a flow given up for a dead worker still settles later, unread
      // Routed children only: the shared queue has no owner to watch (any worker takes them, stalled ones again).
      const outcome = used.length > 0 ? await Promise.race([finished, watch()]) : await finished;
      if (outcome !== 'done') dead = outcome;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/timed out|ttl/i.test(message)) {
        throw serviceError('V2G_ERR_SOLVE_FAILED', `portfolio coordination round ${stepId}: not every site solve answered within ${timeoutMs} ms (is a worker process taking ${portfolioSiteQueue} jobs?)`);
      }
      throw serviceError('V2G_ERR_SOLVE_FAILED', `portfolio coordination round ${stepId}: a site solve failed: ${(await this.failedChildren(stepId, children, queueOf)) || message}`);
    } finally {
      watching = false;
    }
    const values = await node.job.getChildrenValues<string>();
    const answers = new Map<number, SiteSolveAnswer>();
    for (const text of Object.values(values)) {
      const { index, ...rest } = decodeNumbers<SiteSolveAnswer & { index: number }>(text);
      answers.set(index, rest);
    }
    if (dead.length > 0) {
      // The dead workers' queues are emptied (their jobs would never be taken), then the flow is dropped.
      for (const w of dead) {
        routing.deadWorkers.add(w);
        await this.options.redis.zrem(this.registryKey, w).catch(this.options.onError);
        const q = new Queue(workerQueue(w), { connection: this.options.redis, prefix: this.keys.bullPrefix });
        await q.obliterate({ force: true }).catch(this.options.onError);
        await q.close().catch(this.options.onError);
      }
      this.options.onError(new Error(`portfolio coordination round ${stepId}: worker(s) ${dead.join(', ')} stopped beating; ${children.length - answers.size} unanswered site solve(s) sent to the others`));
    }
    await node.job.remove().catch(this.options.onError);
    return { answers, dead };
  }

  /** Why the children of a failed round failed, by site (`site "x": reason; ...`). */
  private async failedChildren(stepId: string, children: readonly ChildPayload[], queueOf: ReadonlyMap<number, string | undefined>): Promise<string> {
    this.siteQueue ??= new Queue(portfolioSiteQueue, { connection: this.options.redis, prefix: this.keys.bullPrefix });
    const reasons: string[] = [];
    for (const c of children) {
      const w = queueOf.get(c.index);
      const q = w ? new Queue(workerQueue(w), { connection: this.options.redis, prefix: this.keys.bullPrefix }) : this.siteQueue;
      const job = await q.getJob(`${stepId}-s${c.index}`).catch(() => undefined);
      if (w) await q.close().catch(this.options.onError);
      if (job?.failedReason) reasons.push(`site "${c.siteId}": ${job.failedReason}`);
    }
    return reasons.join('; ');
  }

  private makeEvents(): QueueEvents {
    const client = this.options.workerConnection();
    this.clients.push(client);
    const events = new QueueEvents(portfolioStepQueue, { connection: client, prefix: this.keys.bullPrefix });
    events.on('error', this.options.onError);
    return events;
  }

  /**
   * Takes site solves (children) and coordination steps (parents) in this process: the worker role. With
   * `resident`, sites are solved on resident models (their LP kept open between rounds), and this process
   * registers itself so that coordinators route each site's children to it round after round (`routing`).
   */
  process(solve: PlanSolver, concurrency: number, resident?: ResidentSiteSolver, boundSolve?: SiteBoundSolver): void {
    const settings = {
      prefix: this.keys.bullPrefix,
      ...(this.options.lockDurationMs !== undefined ? { lockDuration: this.options.lockDurationMs } : {}),
      ...(this.options.stalledIntervalMs !== undefined ? { stalledInterval: this.options.stalledIntervalMs } : {}),
    };
    const siteClient = this.options.workerConnection();
    const stepClient = this.options.workerConnection();
    this.clients.push(siteClient, stepClient);
    const sites = new Worker<ChildData, string>(portfolioSiteQueue, (job) => this.solveChild(job, solve, resident, boundSolve), { ...settings, connection: siteClient, concurrency: Math.max(1, concurrency) });
    if (resident && this.options.routing !== false) {
      // This process's own queue: the children routed to it (the sites whose models it holds).
      this.workerId = randomBytes(6).toString('hex');
      const ownClient = this.options.workerConnection();
      this.clients.push(ownClient);
      const own = new Worker<ChildData, string>(workerQueue(this.workerId), (job) => this.solveChild(job, solve, resident, boundSolve), { ...settings, connection: ownClient, concurrency: Math.max(1, concurrency) });
      own.on('error', this.options.onError);
      this.workers.push(own as Worker);
      const beat = () => void this.options.redis.zadd(this.registryKey, Date.now(), this.workerId!).catch(this.options.onError);
      beat();
      this.heartbeat = setInterval(beat, this.options.heartbeatMs ?? 2000);
      this.heartbeat.unref();
    }
    const steps = new Worker<{ children: number }>(portfolioStepQueue, async (job) => {
      const answered = Object.keys(await job.getChildrenValues()).length;
      if (answered !== job.data.children) throw new UnrecoverableError(`${answered} of ${job.data.children} site solves answered`);
      return { answered };
    }, { ...settings, connection: stepClient, concurrency: 4 });
    for (const w of [sites, steps]) {
      w.on('error', this.options.onError);
      this.workers.push(w as Worker);
    }
  }

  /** This process's id in the worker registry (after `process`, with routing on). */
  get registeredAs(): string | undefined {
    return this.workerId;
  }

  private async solveChild(job: BullJob<ChildData, string>, solve: PlanSolver, resident?: ResidentSiteSolver, boundSolve?: SiteBoundSolver): Promise<string> {
    const c = decodeNumbers<ChildPayload>(job.data.payload);
    let cached = this.cache.get(c.problemKey);
    if (!cached) {
      const text = await this.options.redis.get(c.problemKey);
      if (text === null) throw new UnrecoverableError(`V2G_ERR_SOLVE_FAILED: the problem of site "${c.siteId}" (${c.problemKey}) is gone (its coordination ended or expired)`);
      cached = { problem: JSON.parse(text) as Problem, version: createHash('sha1').update(text).digest('hex') };
      this.cache.set(c.problemKey, cached);
    }
    const { problem, version } = cached;
    // A resident model is the site's, not the coordination's: the next coordination (a dispatch after the plan in
    // force) re-solves it from its last basis while the site's problem is the same version.
    const modelKey = `${this.keys.prefix}:pflow-site:${encodeURIComponent(c.siteId)}`;
    const cpu0 = process.cpuUsage();
    let how: SiteSolveAnswer['resident'];
    const made = resident
      ? async () => {
          const r = await resident(problem, modelKey, c.request, version);
          how = { how: r.how, ...(r.coldReason !== undefined ? { coldReason: r.coldReason } : {}), ...(r.replaced !== undefined ? { replaced: r.replaced } : {}) };
          return r.plan;
        }
      : (p: Problem) => solve(p);
    // aggregate-first's warm bound (SiteRequest.uncappedBound): this child also answers the site's uncapped LP, solved on
    // the capped plan's model (resident, or opened for this request); without a bound solver it answers without one.
    const withBound: SiteBoundSolver | undefined = resident
      ? async (base, request) => {
          const r = await resident(base, modelKey, request, version);
          how = { how: r.how, ...(r.coldReason !== undefined ? { coldReason: r.coldReason } : {}), ...(r.replaced !== undefined ? { replaced: r.replaced } : {}) };
          return { plan: r.plan, uncapped: r.uncapped ?? noUncappedLp(base.slotCount, 'the resident solver answered no uncapped LP') };
        }
      : boundSolve;
    const { plan, bestResponse, ...answered } = await problemSubproblem(c.siteId, problem, made, withBound).solve(c.request);
    const cpu1 = process.cpuUsage();
    let planKey: string | undefined;
    let bestResponsePlanKey: string | undefined;
    let solution: SiteSolveAnswer['solution'] = answered;
    if (c.keepPlan) {
      // Kept where the coordinator can take it if this answer is chosen (the job id is unique per round and site).
      planKey = `${c.problemKey}:plan:${job.id ?? c.index}`;
      await this.options.redis.set(planKey, gzipSync(encodeNumbers(plan)), 'PX', this.options.problemTtlMs ?? 3_600_000);
      if (bestResponse) {
        const { plan: best, bestResponse: _none, uncapped: _lp, ...sums } = bestResponse;
        bestResponsePlanKey = `${planKey}:best`;
        await this.options.redis.set(bestResponsePlanKey, gzipSync(encodeNumbers(best)), 'PX', this.options.problemTtlMs ?? 3_600_000);
        solution = { ...answered, bestResponse: sums };
      }
    }
    return encodeNumbers({ index: c.index, siteId: c.siteId, solution, ...(c.withPlan ? { plan } : {}), ...(planKey ? { planKey } : {}), ...(bestResponsePlanKey ? { bestResponsePlanKey } : {}), solvedBy: this.options.processName, ...(how ? { resident: how } : {}), cpuMs: { solve: cpuMsBetween(cpu0, cpu1), keep: cpuMsBetween(cpu1, process.cpuUsage()) } } satisfies SiteSolveAnswer & { index: number });
  }

  /** Stops taking site solves (the active ones finish) and closes the clients made here. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.workerId) await this.options.redis.zrem(this.registryKey, this.workerId).catch(this.options.onError);
    await Promise.all(this.workers.map((w) => w.close().catch(this.options.onError)));
    await this.events?.close().catch(this.options.onError);
    await this.producer.close().catch(this.options.onError);
    await this.siteQueue?.close().catch(this.options.onError);
    await Promise.all(this.clients.map((c) => closeRedisClient(c)));
  }
}
