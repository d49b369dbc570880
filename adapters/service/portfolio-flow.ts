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
 * Faults: a child that throws fails its parent (`failParentOnFailure`): the round rejects with
 * V2G_ERR_SOLVE_FAILED naming the site, and the portfolio job is retried. A worker killed mid-solve: the
 * child's lock lapses and another worker's stalled check runs it again. No answer within `roundTimeoutMs`:
 * the round rejects with V2G_ERR_SOLVE_FAILED (no worker takes site solves?). A coordinator killed mid-round
 * leaves its flow to finish unread; its problem keys expire.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { FlowProducer, Queue, QueueEvents, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { problemSubproblem, type SiteRequest, type SiteSolution } from '../../optimizer/portfolio/site-subproblem.ts';
import { serviceError } from '../errors.ts';
import { closeRedisClient } from '../store/redis-connection.ts';
import { RedisKeys } from '../store/redis-keys.ts';
import type { PlanSolver } from './replan-worker.ts';

export const portfolioSiteQueue = 'portfolio-site';
export const portfolioStepQueue = 'portfolio-step';

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
  readonly solution: Omit<SiteSolution<Plan>, 'plan'>;
  readonly plan?: Plan;
  /** Where the plan was kept (`keepPlan`). */
  readonly planKey?: string;
  readonly solvedBy: string;
}

/** Runs rounds of site solves for one coordination (portfolio-flow-sites.ts). */
export interface SiteRoundRunner {
  runRound(requests: readonly SiteSolveRequest[]): Promise<SiteSolveAnswer[]>;
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

/** Parsed problems by key, oldest dropped first (a worker solves the same sites round after round). */
class ProblemCache {
  private readonly entries = new Map<string, Problem>();
  constructor(private readonly capacity: number) {}
  get(key: string): Problem | undefined {
    return this.entries.get(key);
  }
  set(key: string, problem: Problem): void {
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

  constructor(private readonly options: PortfolioFlowOptions) {
    this.keys = new RedisKeys(options.prefix);
    this.producer = new FlowProducer({ connection: options.redis, prefix: this.keys.bullPrefix });
    this.producer.on('error', options.onError);
  }

  /** Where the site solves run, said in every portfolio plan. */
  describe(poolSize: number): string {
    return `BullMQ flows: each coordination round is a parent job (queue ${portfolioStepQueue}) with one child job per site (queue ${portfolioSiteQueue}), taken by any worker process (${poolSize} at a time each); coordinated by ${this.options.processName}`;
  }

  /** Stores the sites' problems of one coordination and returns its round runner; `end` forgets them. */
  async begin(coordinationId: string, problems: readonly { readonly siteId: string; readonly problem: Problem }[]): Promise<Required<SiteRoundRunner> & { end(): Promise<void> }> {
    const problemKey = (siteId: string) => `${this.keys.prefix}:pflow:${coordinationId}:${encodeURIComponent(siteId)}`;
    const ttl = this.options.problemTtlMs ?? 3_600_000;
    const multi = this.options.redis.multi();
    for (const p of problems) multi.set(problemKey(p.siteId), JSON.stringify(p.problem), 'PX', ttl);
    await multi.exec();
    /** Plans the children kept for this coordination: deleted with its problems. */
    const planKeys: string[] = [];
    return {
      runRound: async (requests) => {
        const answers = await this.round(coordinationId, requests.map((r, index) => ({ ...r, index, problemKey: problemKey(r.siteId) })));
        for (const a of answers) if (a.planKey) planKeys.push(a.planKey);
        return answers;
      },
      takePlans: async (keys) => {
        if (keys.length === 0) return [];
        const texts = await this.options.redis.mgetBuffer(...keys);
        return texts.map((b) => (b ? decodeNumbers<Plan>(gunzipSync(b).toString('utf8')) : undefined));
      },
      end: async () => {
        const keys = [...problems.map((p) => problemKey(p.siteId)), ...planKeys];
        for (let i = 0; i < keys.length; i += 1000) await this.options.redis.del(...keys.slice(i, i + 1000)).catch(this.options.onError);
      },
    };
  }

  private async round(coordinationId: string, children: readonly ChildPayload[]): Promise<SiteSolveAnswer[]> {
    const stepId = `${coordinationId}-r${++this.sequence}`;
    this.events ??= this.makeEvents();
    await this.events.waitUntilReady();
    const node = await this.producer.add({
      name: 'coordination-step',
      queueName: portfolioStepQueue,
      data: { coordinationId, children: children.length },
      opts: { jobId: stepId, removeOnFail: { count: 100 } },
      children: children.map((c) => ({
        name: 'site-solve',
        queueName: portfolioSiteQueue,
        data: { payload: encodeNumbers(c) } satisfies ChildData,
        opts: { jobId: `${stepId}-s${c.index}`, failParentOnFailure: true, removeOnComplete: true, removeOnFail: { count: 100 } },
      })),
    });
    const timeoutMs = this.options.roundTimeoutMs ?? 900_000;
    try {
      await node.job.waitUntilFinished(this.events, timeoutMs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/timed out|ttl/i.test(message)) {
        throw serviceError('V2G_ERR_SOLVE_FAILED', `portfolio coordination round ${stepId}: not every site solve answered within ${timeoutMs} ms (is a worker process taking ${portfolioSiteQueue} jobs?)`);
      }
      throw serviceError('V2G_ERR_SOLVE_FAILED', `portfolio coordination round ${stepId}: a site solve failed: ${(await this.failedChildren(stepId, children)) || message}`);
    }
    const values = await node.job.getChildrenValues<string>();
    await node.job.remove().catch(this.options.onError);
    const answers = new Array<SiteSolveAnswer | undefined>(children.length);
    for (const text of Object.values(values)) {
      const answer = decodeNumbers<SiteSolveAnswer & { index: number }>(text);
      const { index, ...rest } = answer;
      answers[index] = rest;
    }
    const missing = children.filter((c) => !answers[c.index]).map((c) => c.siteId);
    if (missing.length > 0) throw serviceError('V2G_ERR_SOLVE_FAILED', `portfolio coordination round ${stepId}: no answer from the site solves of ${missing.join(', ')}`);
    return answers as SiteSolveAnswer[];
  }

  /** Why the children of a failed round failed, by site (`site "x": reason; ...`). */
  private async failedChildren(stepId: string, children: readonly ChildPayload[]): Promise<string> {
    this.siteQueue ??= new Queue(portfolioSiteQueue, { connection: this.options.redis, prefix: this.keys.bullPrefix });
    const reasons: string[] = [];
    for (const c of children) {
      const job = await this.siteQueue.getJob(`${stepId}-s${c.index}`).catch(() => undefined);
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

  /** Takes site solves (children) and coordination steps (parents) in this process: the worker role. */
  process(solve: PlanSolver, concurrency: number): void {
    const settings = {
      prefix: this.keys.bullPrefix,
      ...(this.options.lockDurationMs !== undefined ? { lockDuration: this.options.lockDurationMs } : {}),
      ...(this.options.stalledIntervalMs !== undefined ? { stalledInterval: this.options.stalledIntervalMs } : {}),
    };
    const siteClient = this.options.workerConnection();
    const stepClient = this.options.workerConnection();
    this.clients.push(siteClient, stepClient);
    const sites = new Worker<ChildData, string>(portfolioSiteQueue, (job) => this.solveChild(job, solve), { ...settings, connection: siteClient, concurrency: Math.max(1, concurrency) });
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

  private async solveChild(job: BullJob<ChildData, string>, solve: PlanSolver): Promise<string> {
    const c = decodeNumbers<ChildPayload>(job.data.payload);
    let problem = this.cache.get(c.problemKey);
    if (!problem) {
      const text = await this.options.redis.get(c.problemKey);
      if (text === null) throw new UnrecoverableError(`V2G_ERR_SOLVE_FAILED: the problem of site "${c.siteId}" (${c.problemKey}) is gone (its coordination ended or expired)`);
      problem = JSON.parse(text) as Problem;
      this.cache.set(c.problemKey, problem);
    }
    const { plan, ...solution } = await problemSubproblem(c.siteId, problem, (p) => solve(p)).solve(c.request);
    let planKey: string | undefined;
    if (c.keepPlan) {
      // Kept where the coordinator can take it if this answer is chosen (the job id is unique per round and site).
      planKey = `${c.problemKey}:plan:${job.id ?? c.index}`;
      await this.options.redis.set(planKey, gzipSync(encodeNumbers(plan)), 'PX', this.options.problemTtlMs ?? 3_600_000);
    }
    return encodeNumbers({ index: c.index, siteId: c.siteId, solution, ...(c.withPlan ? { plan } : {}), ...(planKey ? { planKey } : {}), solvedBy: this.options.processName } satisfies SiteSolveAnswer & { index: number });
  }

  /** Stops taking site solves (the active ones finish) and closes the clients made here. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close().catch(this.options.onError)));
    await this.events?.close().catch(this.options.onError);
    await this.producer.close().catch(this.options.onError);
    await this.siteQueue?.close().catch(this.options.onError);
    await Promise.all(this.clients.map((c) => closeRedisClient(c)));
  }
}
