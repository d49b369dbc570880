/**
 * The service configuration: one TypeBox schema with defaults and ranges, read from environment variables
 * and optionally a JSON file (`V2G_CONFIG_FILE` or `--config`), validated once at boot with EVERY problem
 * listed, then deep-frozen.
 *
 * Precedence: environment > file > defaults. The file holds the same UPPER_SNAKE keys as the environment;
 * an unknown key in the file is an error (a typo must not be silently ignored). Environment variables the
 * schema does not know are ignored (the environment is shared with everything else).
 *
 * Distributed mode: a set REDIS_URL switches the store to Redis and the queue to BullMQ (adapters/store/
 * REDIS.md); `V2G_REDIS_PREFIX` namespaces every key. Demo mode is embedded only: with REDIS_URL, DEMO
 * defaults to false and an explicit DEMO=true is refused. (The code `V2G_ERR_DISTRIBUTED_MODE_UNAVAILABLE`
 * of the version without Redis is retired and never reused.)
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { autoPriceStepRule, priceSteps, type PriceStepChoice } from '../optimizer/portfolio/price-step.ts';
import { defaultCappedPriceFactor } from '../optimizer/portfolio/capped-price.ts';
import { defaultRedisPrefix, redisPrefixIssue } from './store/redis-keys.ts';

const priceStepChoices: readonly PriceStepChoice[] = ['auto', ...priceSteps];

const Port = (description: string, fallback: number) => Type.Integer({ minimum: 0, maximum: 65535, default: fallback, description });
const Int = (description: string, minimum: number, maximum: number, fallback: number) =>
  Type.Integer({ minimum, maximum, default: fallback, description });

/** The configuration schema (environment variable names). */
export const ConfigSchema = Type.Object(
  {
    HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'interface the HTTP API listens on (0.0.0.0 in a container)' }),
    PORT: Port('HTTP API port (0 = any free port)', 8080),
    OCPP_PORT: Port('OCPP (chargers) WebSocket port, opened by the OCPP module', 9220),
    OCPP_SECURITY_PROFILE: Int('OCPP security profile: 0 = chargers listed on a site, no password; 1 = HTTP Basic per charger; 2 = HTTP Basic over TLS (wss://)', 0, 2, 0),
    OCPP_TLS_CERT_FILE: Type.Optional(Type.String({ minLength: 1, description: 'server certificate chain (PEM file) of the OCPP endpoint; required for security profile 2' })),
    OCPP_TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'private key (PEM file) of OCPP_TLS_CERT_FILE; required for security profile 2' })),
    OCPP_AUTO_REGISTER: Type.Boolean({ default: false, description: 'accept unknown chargers and record them (with security: their first password, trust on first use)' }),
    OCPP_GATEWAY_BEAT_MS: Int('how often each OCPP gateway tells the charger status board it is alive (ms); after 3 missed beats its chargers read as not connected', 100, 600_000, 10_000),
    OCPP_CREDENTIAL_CHECK_MS: Int('security profiles 1 and 2: how often the gateway re-checks connected chargers and closes those whose credentials were deleted or changed (ms)', 1_000, 3_600_000, 30_000),
    OCPP_MAX_MESSAGE_BYTES: Int('largest OCPP WebSocket message accepted (bytes); a larger one closes the connection', 1_024, 16 * 1024 * 1024, 65_536),
    REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'unset = embedded (in-memory store, in-process queue); set = Redis store and BullMQ queue' })),
    V2G_REDIS_PREFIX: Type.String({ minLength: 1, maxLength: 100, default: defaultRedisPrefix, description: 'namespace of every Redis key and queue (several deployments share one Redis)' }),
    DECOMPOSITION_SHARD_QUEUES: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$',
        description: 'needs REDIS_URL; unset = off: comma-separated shard queues; re-plans the engine decomposes (large sites) price their shards in the `v2g shard-worker --queue <name>` processes serving them, not on worker threads',
      }),
    ),
    PORTFOLIO_COORDINATION: Type.String({
      pattern: '^(price-loop|site-columns|aggregate-first)$',
      default: 'aggregate-first',
      description: 'how a portfolio\'s sites are coordinated under shared limits: aggregate-first (the default since session 16: one LP of every site\'s relaxation and the feeder rows, then one round of site solves within its caps (at PORTFOLIO_CAPPED_PRICE_FACTOR x its feeder prices) whose uncapped LPs at the prices give the Lagrangian bound; issue 17 session 13; against site-columns the same gap at 7x less CPU at 10 x 50, a smaller gap at 14x less at 10 x 200; at 200 x 500 on Redis gap 0.241 %, within the 0.5 % goal (site-columns has no recorded run at that size): bench/RESULTS.md "Portfolio dispatch at 200 x 500 on the final main of session 15"; optimizer/portfolio/README.md), site-columns (Dantzig-Wolfe over whole-site plans: a master of the feeder rows and one row per site; the default of sessions 8 to 15; a dispatch\'s rounds start from the plan in force\'s feeder prices) or price-loop (feeder prices by subgradient steps, cap recovery)',
    }),
    PORTFOLIO_PRICE_STEP: Type.String({
      pattern: `^(${priceStepChoices.join('|')})$`,
      default: 'auto',
      description: `PORTFOLIO_COORDINATION=aggregate-first: how its price step (the aggregate LP of the sites' relaxations and the feeder rows) is solved: monolithic (one LP, dual simplex), monolithic-ipm (one LP, interior point without crossover; the bound is the Lagrangian value at its duals), monolithic-ipm-crossover (interior point, then crossover to a vertex), decomposed (Dantzig-Wolfe over the sites' relaxations) or auto (the default: monolithic up to ${autoPriceStepRule.monolithicUpToSites} sites, decomposed above, by the CPU measured at 20, 50 and 200 sites; the plan's solvedOn and priceStep say which ran and why; issue 17 session 14, bench/RESULTS.md)`,
    }),
    PORTFOLIO_BOUND_SOLVE: Type.String({
      pattern: '^(warm|cold-round)$',
      default: 'warm',
      description: 'PORTFOLIO_COORDINATION=aggregate-first only: how the uncapped LPs of its Lagrangian bound are solved: warm (each site\'s solve of the one round re-solves its LP without the caps on the same open HiGHS model, from the capped basis: one round, one flow; issue 17 session 14) or cold-round (the old second round of cold uncapped site solves)',
    }),
    PORTFOLIO_CAPPED_PRICE_FACTOR: Type.String({
      pattern: '^(0(\\.[0-9]+)?|1(\\.0+)?)$',
      default: String(defaultCappedPriceFactor),
      description: `PORTFOLIO_COORDINATION=aggregate-first only: the adder at which each site plans within its caps, as a share of the feeder prices (0 to 1; the uncapped LPs of the bound stay at the prices). The caps alone keep the shared limits; at 1 (before session 15) the prices also steered sites away from capacity they were given, and most of the gap was feeder left unused where it has a price (issue 17 session 15, bench/RESULTS.md). Default ${defaultCappedPriceFactor}`,
    }),
    PORTFOLIO_BEST_RESPONSE_SWAP: Type.String({
      pattern: '^(on|off)$',
      default: 'off',
      description: 'PORTFOLIO_COORDINATION=aggregate-first with PORTFOLIO_BOUND_SOLVE=warm only: each site also repairs its uncapped LP into its best response at the feeder prices (one more repair in the same site solve), and a site\'s capped plan is swapped for it where the sum still keeps every limit and it costs less (optimizer/portfolio/best-response-swap.ts; issue 17 session 15; off by default: measured to swap nothing once the capped plans are made at a lower adder)',
    }),
    PORTFOLIO_FLOW_PLANS: Type.String({
      pattern: '^(carry|resolve)$',
      default: 'carry',
      description: 'Redis mode: how the chosen site plans of a portfolio coordination reach the store: carry (each flow child keeps its plan in Redis, the chosen ones are taken as made, no site solved again) or resolve (one last flow re-solves every chosen request: the path before session 10, kept for comparison)',
    }),
    PORTFOLIO_WARM_PRICES: Type.String({
      pattern: '^(last-plan|none)$',
      default: 'last-plan',
      description: 'where a portfolio coordination (a plan or a dispatch) starts its feeder prices: last-plan (the prices of the portfolio plan in force, shifted to now) or none (zero prices; for comparison)',
    }),
    PORTFOLIO_SITE_MODELS: Type.String({
      pattern: '^(cold|resident)$',
      default: 'cold',
      description: 'Redis mode, worker processes: how a portfolio coordination\'s site solves run: cold (every round builds and solves the site\'s LP on the solver pool, any worker takes any site) or resident (each worker keeps the LP of the sites routed to it open between rounds and re-solves from the last basis; coordinators route a site\'s solves to the same live worker, and a worker that stops beating has its sites sent to the others; issue 17 session 11)',
    }),
    PORTFOLIO_PRICE_STEP_THREADS: Int('PORTFOLIO_COORDINATION=aggregate-first with the decomposed price step: worker threads solving the sites\' relaxations each round (each site always on the same thread, its basis kept; the master on the price step\'s own thread; the same answer whatever the number); 0 = the machine\'s parallelism (at most 4); 1 = on the price step\'s own thread (issue 17 session 15)', 0, 64, 0),
    PORTFOLIO_SITE_TIME_LIMIT_MS: Int('time limit of one site solve of a portfolio coordination (ms; wall clock): a site whose solve reaches it keeps the best valid plan it had by then within its share, named in the portfolio plan (timedOutSites); the queue\'s coordinations are not interactive, so longer than SOLVE_TIME_LIMIT_MS by default', 100, 3_600_000, 60_000),
    PORTFOLIO_RESIDENT_MIB: Int('PORTFOLIO_SITE_MODELS=resident: the resident site models of one solver thread at most this many MiB of HiGHS heap (estimated); a site that does not fit is solved cold, said in its plan', 64, 65_536, 3072),
    PORTFOLIO_VEHICLE_COLUMNS_FROM: Int('needs DECOMPOSITION_SHARD_QUEUES; 0 = off: portfolios with at least this many vehicles in all are planned by one column generation over their vehicles on those shard workers instead of site solves per feeder-price round', 0, 100_000_000, 0),
    REDIS_READY_TIMEOUT_MS: Int('how long a process waits for Redis at boot before it gives up (ms)', 100, 600_000, 10_000),
    REDIS_COMMAND_TIMEOUT_MS: Int('a store or queue command without a reply after this long fails as V2G_ERR_STORE_UNAVAILABLE (ms)', 100, 600_000, 5_000),
    QUEUE_LOCK_MS: Int("a worker's lock on a running re-plan; a killed worker's job is picked up again after it expires (ms)", 1_000, 600_000, 30_000),
    QUEUE_STALLED_INTERVAL_MS: Int('how often workers look for jobs whose worker died (ms)', 500, 600_000, 30_000),
    QUEUE_DASHBOARD: Type.String({
      pattern: '^(off|read-only|actions)$',
      default: 'off',
      description: 'bull-board at /admin/queues on API processes (needs REDIS_URL; admin token, HTTP Basic in a browser): off, read-only, or actions (retry/clean buttons)',
    }),
    API_TOKENS: Type.Optional(
      Type.String({ description: 'bearer tokens: `name:token:scope+scope,...` with scopes read, dispatch, admin; tokens >= 16 characters' }),
    ),
    DEMO: Type.Boolean({ default: true, description: 'embedded demo mode: a demo site and a random demo token (admin) printed at boot' }),
    LOG_LEVEL: Type.String({ pattern: '^(fatal|error|warn|info|debug|trace|silent)$', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' }),
    HORIZON_HOURS: Int('planning horizon from now (h), shortened to what the signals cover', 1, 168, 24),
    REPLAN_DEBOUNCE_MS: Int('a change waits this long for more changes before the site is re-planned (ms)', 0, 600_000, 250),
    REPLAN_MAX_WAIT_MS: Int('longest a debounced re-plan waits after the first change (ms)', 0, 3_600_000, 2_000),
    REPLAN_ATTEMPTS: Int('attempts of a re-plan job whose solve failed', 1, 20, 3),
    REPLAN_BACKOFF_MS: Int('first retry delay, doubled each attempt (ms)', 1, 3_600_000, 1_000),
    SOLVER_POOL_SIZE: Int('solver worker threads (and sites re-planned in parallel)', 1, 64, 2),
    SOLVE_TIME_LIMIT_MS: Int('time limit of one solve (ms)', 100, 3_600_000, 20_000),
    SYNC_OPTIMIZE_MAX_VEHICLES: Int('POST /optimize answers with the plan up to this many sessions, otherwise 202 + job', 0, 100_000, 100),
    DISPATCH_ACK_TIMEOUT_MS: Int('a dispatch waits this long for its re-plan before answering 202 (ms)', 0, 600_000, 10_000),
    DISPATCH_RATE_LIMIT_MAX: Int('dispatch requests per token per window', 1, 1_000_000, 60),
    DISPATCH_RATE_LIMIT_WINDOW_MS: Int('dispatch rate-limit window (ms)', 1_000, 86_400_000, 60_000),
    BODY_LIMIT_BYTES: Int('largest request body (bytes)', 1_024, 100 * 1024 * 1024, 1024 * 1024),
    HTTP_REQUEST_TIMEOUT_MS: Int('a request whose headers and body have not fully arrived after this long is answered 408 and its connection closed (ms); a slow body cannot hold a connection open', 500, 3_600_000, 30_000),
    HTTP_IDLE_TIMEOUT_MS: Int('a connection with no traffic for this long (also a kept-alive one between requests) is closed (ms)', 500, 3_600_000, 72_000),
    PLAN_HISTORY_LIMIT: Int('plans kept per site', 1, 10_000, 50),
    IDEMPOTENCY_TTL_MS: Int('how long an Idempotency-Key is remembered (ms)', 1_000, 7 * 86_400_000, 86_400_000),
    SHUTDOWN_GRACE_MS: Int('graceful shutdown budget before the process is ended (ms)', 100, 600_000, 10_000),
  },
  { additionalProperties: false },
);

type RawConfig = Static<typeof ConfigSchema>;

/** A scope a bearer token can hold. */
export type Scope = 'read' | 'dispatch' | 'admin';
export const scopes: readonly Scope[] = ['read', 'dispatch', 'admin'];

/** One configured API client. */
export interface ApiToken {
  readonly name: string;
  readonly token: string;
  readonly scopes: readonly Scope[];
}

/** The validated, frozen configuration (camelCase; units in names). */
export interface ServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly ocppPort: number;
  /** 0: no charger authentication; 1: HTTP Basic per charger; 2: HTTP Basic over TLS. */
  readonly ocppSecurityProfile: 0 | 1 | 2;
  /** PEM files of the OCPP endpoint's certificate and key (both or neither; required for profile 2): wss://. */
  readonly ocppTlsCertFile: string | undefined;
  readonly ocppTlsKeyFile: string | undefined;
  /** Accept and record unknown chargers (trust on first use). */
  readonly ocppAutoRegister: boolean;
  /** Largest OCPP message (bytes). */
  readonly ocppMaxMessageBytes: number;
  /** Re-check of connected chargers' credentials (ms; profiles 1 and 2). */
  readonly ocppCredentialCheckMs: number;
  /** How often a gateway beats on the charger status board (ms); 3 missed beats make its links read as not connected. */
  readonly ocppGatewayBeatMs: number;
  /** Undefined = embedded (in-memory store, in-process queue). */
  readonly redisUrl: string | undefined;
  /** V2G_REDIS_PREFIX: every Redis key starts with `<redisPrefix>:`. */
  readonly redisPrefix: string;
  /** DECOMPOSITION_SHARD_QUEUES: decomposed re-plans use the BullMQ shard workers of these queues (distributed mode only). */
  readonly decompositionShardQueues?: readonly string[];
  /** PORTFOLIO_COORDINATION: the aggregate LP first (default since session 16), Dantzig-Wolfe over whole-site plans, or the feeder-price loop. */
  readonly portfolioCoordination: 'price-loop' | 'site-columns' | 'aggregate-first';
  /** PORTFOLIO_PRICE_STEP: how aggregate-first solves its aggregate LP (optimizer/portfolio/price-step.ts), or `auto` by its size rule. */
  readonly portfolioPriceStep: PriceStepChoice;
  /** PORTFOLIO_PRICE_STEP_THREADS: threads of the decomposed price step's site relaxations (0 in the env = the machine's parallelism, at most 4). */
  readonly portfolioPriceStepThreads: number;
  /** PORTFOLIO_BOUND_SOLVE: aggregate-first's uncapped LPs warm on each site's capped model (default) or a cold round. */
  readonly portfolioBoundSolve: 'warm' | 'cold-round';
  /** PORTFOLIO_CAPPED_PRICE_FACTOR: aggregate-first's capped plans at this share of the feeder prices (AggregateFirstOptions.cappedPriceFactor). */
  readonly portfolioCappedPriceFactor: number;
  /** PORTFOLIO_BEST_RESPONSE_SWAP: aggregate-first swaps capped plans for best responses where the limits still hold (AggregateFirstOptions.swapBestResponses). */
  readonly portfolioBestResponseSwap: boolean;
  /** PORTFOLIO_FLOW_PLANS: the chosen site plans taken as their flow child made them (carry) or re-solved (resolve). */
  readonly portfolioFlowPlans: 'carry' | 'resolve';
  /** PORTFOLIO_WARM_PRICES: a coordination starts from the prices of the portfolio plan in force (last-plan) or from zero (none). */
  readonly portfolioWarmPrices: 'last-plan' | 'none';
  /** PORTFOLIO_SITE_MODELS: site solves of a coordination on resident models routed to one worker each (resident) or cold on any worker (cold). */
  readonly portfolioSiteModels: 'cold' | 'resident';
  /** PORTFOLIO_SITE_TIME_LIMIT_MS: wall-clock limit of one site solve in a portfolio coordination (ms). */
  readonly portfolioSiteTimeLimitMs: number;
  /** PORTFOLIO_RESIDENT_MIB: the resident models of one solver thread at most this many MiB (HiGHS heap estimate). */
  readonly portfolioResidentMib: number;
  /** PORTFOLIO_VEHICLE_COLUMNS_FROM: portfolios from this many vehicles by vehicle column generation on the shard workers (0 = off). */
  readonly portfolioVehicleColumnsFrom: number;
  /** How long `start` waits for Redis (ms). */
  readonly redisReadyTimeoutMs: number;
  /** A producer command without a reply after this long fails (ms). */
  readonly redisCommandTimeoutMs: number;
  /** BullMQ `lockDuration` of re-plan jobs (ms). */
  readonly queueLockMs: number;
  /** BullMQ `stalledInterval` (ms). */
  readonly queueStalledIntervalMs: number;
  /** The queue dashboard at /admin/queues (distributed mode only). */
  readonly queueDashboard: 'off' | 'read-only' | 'actions';
  readonly apiTokens: readonly ApiToken[];
  readonly demo: boolean;
  readonly logLevel: string;
  readonly horizonHours: number;
  readonly replanDebounceMs: number;
  readonly replanMaxWaitMs: number;
  readonly replanAttempts: number;
  readonly replanBackoffMs: number;
  readonly solverPoolSize: number;
  readonly solveTimeLimitMs: number;
  readonly syncOptimizeMaxVehicles: number;
  readonly dispatchAckTimeoutMs: number;
  readonly dispatchRateLimitMax: number;
  readonly dispatchRateLimitWindowMs: number;
  readonly bodyLimitBytes: number;
  /** Whole-request (headers + body) deadline (ms): 408 and closed after it. */
  readonly httpRequestTimeoutMs: number;
  /** A connection without traffic for this long is closed (ms). */
  readonly httpIdleTimeoutMs: number;
  readonly planHistoryLimit: number;
  readonly idempotencyTtlMs: number;
  readonly shutdownGraceMs: number;
}

/** One configuration problem: the key (and where it came from) and a sentence. */
export interface ConfigIssue {
  readonly key: string;
  readonly source: 'env' | 'file' | 'default' | 'combination';
  readonly message: string;
}

/** Boot-time configuration failure listing every issue. */
export class ConfigError extends Error {
  readonly code = 'V2G_ERR_CONFIG' as const;
  readonly retryable = false as const;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const code = 'V2G_ERR_CONFIG';
    const lines = issues.map((i) => `  - ${i.key} (${i.source}): ${i.message}`);
    super([`The configuration is not usable (${code}, ${issues.length} problem${issues.length === 1 ? '' : 's'}):`, ...lines].join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const keys = Object.keys(ConfigSchema.properties) as (keyof RawConfig)[];

function kindOf(key: keyof RawConfig): 'integer' | 'boolean' | 'string' {
  const schema = ConfigSchema.properties[key] as { type?: string };
  return schema.type === 'integer' ? 'integer' : schema.type === 'boolean' ? 'boolean' : 'string';
}

/** Environment text to the schema's type; undefined (and an issue) when it cannot be read. */
function fromText(key: keyof RawConfig, text: string, issues: ConfigIssue[]): unknown {
  const kind = kindOf(key);
  if (kind === 'integer') {
    if (!/^-?\d+$/.test(text.trim())) {
      issues.push({ key, source: 'env', message: `"${text}" is not an integer` });
      return undefined;
    }
    return Number(text.trim());
  }
  if (kind === 'boolean') {
    const t = text.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(t)) return true;
    if (['false', '0', 'no', 'off'].includes(t)) return false;
    issues.push({ key, source: 'env', message: `"${text}" is not a boolean (true/false)` });
    return undefined;
  }
  return text;
}

/** Parses `name:token:scope+scope,...`. */
export function parseApiTokens(text: string, issues: ConfigIssue[], source: ConfigIssue['source'] = 'env'): ApiToken[] {
  const out: ApiToken[] = [];
  const names = new Set<string>();
  const tokens = new Set<string>();
  text.split(',').map((s) => s.trim()).filter((s) => s !== '').forEach((entry, i) => {
    const at = `API_TOKENS entry ${i + 1}`;
    const parts = entry.split(':');
    if (parts.length !== 3) {
      issues.push({ key: 'API_TOKENS', source, message: `${at} is not name:token:scopes` });
      return;
    }
    const [name, token, scopeText] = parts as [string, string, string];
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) issues.push({ key: 'API_TOKENS', source, message: `${at}: name "${name}" must be 1-64 of A-Z a-z 0-9 . _ -` });
    if (names.has(name)) issues.push({ key: 'API_TOKENS', source, message: `${at}: name "${name}" is used twice` });
    if (token.length < 16 || /\s/.test(token)) issues.push({ key: 'API_TOKENS', source, message: `${at} ("${name}"): the token must be at least 16 characters without spaces` });
    if (tokens.has(token)) issues.push({ key: 'API_TOKENS', source, message: `${at} ("${name}"): the same token is given twice` });
    const list = scopeText.split('+').filter((s) => s !== '');
    const bad = list.filter((s) => !(scopes as readonly string[]).includes(s));
    if (list.length === 0 || bad.length > 0) {
      issues.push({ key: 'API_TOKENS', source, message: `${at} ("${name}"): scopes must be read, dispatch and/or admin joined by +${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}` });
    }
    names.add(name);
    tokens.add(token);
    out.push({ name, token, scopes: [...new Set(list)] as Scope[] });
  });
  return out;
}

function readFileConfig(path: string, read: (path: string) => string, issues: ConfigIssue[]): Record<string, unknown> {
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    issues.push({ key: 'V2G_CONFIG_FILE', source: 'file', message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    issues.push({ key: 'V2G_CONFIG_FILE', source: 'file', message: `${path} is not JSON: ${(e as Error).message}` });
    return {};
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ key: 'V2G_CONFIG_FILE', source: 'file', message: `${path} must hold a JSON object of UPPER_SNAKE keys` });
    return {};
  }
  const record = value as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    if (!(keys as string[]).includes(k)) issues.push({ key: k, source: 'file', message: `unknown key in ${path} (known: ${keys.join(', ')})` });
  }
  return record;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/**
 * Why a REDIS_URL (already `redis://` or `rediss://`) cannot be used, or undefined: it must parse as a
 * URL with a host, a port in range (the URL parser refuses others) and, as its path, nothing or a
 * database number (`/0`). Checked at boot so that a typo is a listed configuration problem, not a crash
 * or a `SELECT NaN` when the first client connects.
 */
export function redisUrlIssue(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL (redis://[user:password@]host[:port][/db])';
  }
  if (u.hostname === '') return 'names no host (redis://host[:port][/db])';
  if (u.pathname !== '' && u.pathname !== '/' && !/^\/\d{1,5}$/.test(u.pathname)) return `has the path "${u.pathname}": only a database number may follow the host (/0, /1, ...)`;
  return undefined;
}

/**
 * The OCPP TLS files: both or neither, required for security profile 2, and each a readable PEM file
 * (read here once so that a wrong path fails the boot, not the first charger).
 */
function ocppTlsIssues(c: RawConfig, source: Record<string, ConfigIssue['source']>, read: (path: string) => string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const files = { OCPP_TLS_CERT_FILE: { path: c.OCPP_TLS_CERT_FILE, pem: /-----BEGIN [A-Z ]*CERTIFICATE-----/ }, OCPP_TLS_KEY_FILE: { path: c.OCPP_TLS_KEY_FILE, pem: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ } };
  for (const [key, { path, pem }] of Object.entries(files)) {
    if (typeof path !== 'string' || path === '') {
      if (c.OCPP_SECURITY_PROFILE === 2) issues.push({ key, source: 'combination', message: 'is required with OCPP_SECURITY_PROFILE=2 (HTTP Basic over TLS)' });
      continue;
    }
    let text: string;
    try {
      text = read(path);
    } catch (e) {
      issues.push({ key, source: source[key] ?? 'default', message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    if (!pem.test(text)) issues.push({ key, source: source[key] ?? 'default', message: `${path} holds no PEM ${key === 'OCPP_TLS_CERT_FILE' ? 'certificate' : 'private key'}` });
  }
  if (c.OCPP_SECURITY_PROFILE !== 2 && (c.OCPP_TLS_CERT_FILE === undefined) !== (c.OCPP_TLS_KEY_FILE === undefined)) {
    issues.push({ key: c.OCPP_TLS_CERT_FILE === undefined ? 'OCPP_TLS_CERT_FILE' : 'OCPP_TLS_KEY_FILE', source: 'combination', message: 'OCPP_TLS_CERT_FILE and OCPP_TLS_KEY_FILE go together (both or neither)' });
  }
  return issues;
}

export interface LoadConfigOptions {
  /** A JSON file with the same keys; default `env.V2G_CONFIG_FILE`. */
  readonly file?: string;
  /** File reader (tests); default `fs.readFileSync(path, 'utf8')`. */
  readonly readFile?: (path: string) => string;
}

/**
 * Reads, validates and freezes the configuration. Throws `ConfigError` listing every problem.
 *
 * @example loadConfig({ PORT: '8080', DEMO: 'false', API_TOKENS: 'ops:0123456789abcdef:read+admin' })
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, options: LoadConfigOptions = {}): ServiceConfig {
  const issues: ConfigIssue[] = [];
  const file = options.file ?? env.V2G_CONFIG_FILE;
  const fromFile = file ? readFileConfig(file, options.readFile ?? ((p) => readFileSync(p, 'utf8')), issues) : {};
  const raw: Record<string, unknown> = {};
  const source: Record<string, ConfigIssue['source']> = {};
  for (const key of keys) {
    const envText = env[key];
    if (envText !== undefined && envText !== '') {
      const v = fromText(key, envText, issues);
      if (v !== undefined) {
        raw[key] = v;
        source[key] = 'env';
      }
    } else if (fromFile[key] !== undefined) {
      raw[key] = fromFile[key];
      source[key] = 'file';
    }
  }
  const withDefaults = Value.Default(ConfigSchema, structuredClone(raw)) as Record<string, unknown>;
  const seen = new Set<string>();
  for (const e of Value.Errors(ConfigSchema, withDefaults)) {
    const key = e.instancePath.split('/')[1] ?? '';
    if (key === '' || seen.has(key) || (e.keyword === 'boolean' && e.message === 'schema is false')) continue;
    seen.add(key);
    const shown = JSON.stringify(withDefaults[key]);
    const detail = key === 'LOG_LEVEL' ? 'is not one of fatal, error, warn, info, debug, trace, silent' : e.message;
    issues.push({ key, source: source[key] ?? 'default', message: `${shown} ${detail}` });
  }
  const c = withDefaults as RawConfig;
  // Demo mode is embedded only: with Redis it defaults to off, and asking for it is an error below.
  if (c.REDIS_URL !== undefined && source.DEMO === undefined) c.DEMO = false;
  // Each key's own problems first; then the redis URL's shape and the rules that combine keys, each
  // checked when the keys it reads are themselves valid, so that one boot lists every problem.
  const invalid = (...names: (keyof RawConfig)[]) => names.some((n) => issues.some((i) => i.key === n));
  if (c.REDIS_URL !== undefined && !invalid('REDIS_URL')) {
    const urlIssue = redisUrlIssue(c.REDIS_URL);
    if (urlIssue) issues.push({ key: 'REDIS_URL', source: source.REDIS_URL ?? 'default', message: urlIssue });
  }
  const apiTokens = c.API_TOKENS ? parseApiTokens(c.API_TOKENS, issues, source.API_TOKENS ?? 'default') : [];
  issues.push(...ocppTlsIssues(c, source, options.readFile ?? ((p) => readFileSync(p, 'utf8'))));
  if (c.PORT !== 0 && c.PORT === c.OCPP_PORT && !invalid('PORT', 'OCPP_PORT')) {
    issues.push({ key: 'OCPP_PORT', source: 'combination', message: `the OCPP port equals the HTTP port (${c.PORT})` });
  }
  if (!c.DEMO && apiTokens.length === 0 && !invalid('DEMO', 'API_TOKENS', 'REDIS_URL')) {
    issues.push({ key: 'API_TOKENS', source: 'combination', message: 'no API tokens and DEMO=false: every write would be refused; set API_TOKENS (or DEMO=true for the embedded demo)' });
  }
  if (c.REPLAN_MAX_WAIT_MS < c.REPLAN_DEBOUNCE_MS && !invalid('REPLAN_MAX_WAIT_MS', 'REPLAN_DEBOUNCE_MS')) {
    issues.push({ key: 'REPLAN_MAX_WAIT_MS', source: 'combination', message: `is below REPLAN_DEBOUNCE_MS (${c.REPLAN_DEBOUNCE_MS})` });
  }
  if (!invalid('V2G_REDIS_PREFIX')) {
    const prefixIssue = redisPrefixIssue(c.V2G_REDIS_PREFIX);
    if (prefixIssue) issues.push({ key: 'V2G_REDIS_PREFIX', source: source.V2G_REDIS_PREFIX ?? 'default', message: `"${c.V2G_REDIS_PREFIX}" ${prefixIssue}` });
  }
  if (c.REDIS_URL !== undefined && c.DEMO && !invalid('DEMO')) {
    issues.push({ key: 'DEMO', source: 'combination', message: 'demo mode is embedded only (a random token per process); with REDIS_URL set DEMO=false and API_TOKENS' });
  }
  if (c.REDIS_URL === undefined && c.QUEUE_DASHBOARD !== 'off' && !invalid('QUEUE_DASHBOARD')) {
    issues.push({ key: 'QUEUE_DASHBOARD', source: 'combination', message: 'the queue dashboard shows BullMQ queues: set REDIS_URL (the embedded queue has none)' });
  }
  if (c.REDIS_URL === undefined && c.DECOMPOSITION_SHARD_QUEUES !== undefined && !invalid('DECOMPOSITION_SHARD_QUEUES')) {
    issues.push({ key: 'DECOMPOSITION_SHARD_QUEUES', source: 'combination', message: 'shard workers meet the coordinator on Redis: set REDIS_URL' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return deepFreeze({
    host: c.HOST,
    port: c.PORT,
    ocppPort: c.OCPP_PORT,
    ocppSecurityProfile: c.OCPP_SECURITY_PROFILE as 0 | 1 | 2,
    ocppTlsCertFile: c.OCPP_TLS_CERT_FILE,
    ocppTlsKeyFile: c.OCPP_TLS_KEY_FILE,
    ocppAutoRegister: c.OCPP_AUTO_REGISTER,
    ocppMaxMessageBytes: c.OCPP_MAX_MESSAGE_BYTES,
    ocppCredentialCheckMs: c.OCPP_CREDENTIAL_CHECK_MS,
    ocppGatewayBeatMs: c.OCPP_GATEWAY_BEAT_MS,
    redisUrl: c.REDIS_URL,
    redisPrefix: c.V2G_REDIS_PREFIX,
    ...(c.DECOMPOSITION_SHARD_QUEUES !== undefined ? { decompositionShardQueues: c.DECOMPOSITION_SHARD_QUEUES.split(',') } : {}),
    redisReadyTimeoutMs: c.REDIS_READY_TIMEOUT_MS,
    redisCommandTimeoutMs: c.REDIS_COMMAND_TIMEOUT_MS,
    queueLockMs: c.QUEUE_LOCK_MS,
    queueStalledIntervalMs: c.QUEUE_STALLED_INTERVAL_MS,
    queueDashboard: c.QUEUE_DASHBOARD as 'off' | 'read-only' | 'actions',
    apiTokens,
    demo: c.DEMO,
    logLevel: c.LOG_LEVEL,
    horizonHours: c.HORIZON_HOURS,
    replanDebounceMs: c.REPLAN_DEBOUNCE_MS,
    replanMaxWaitMs: c.REPLAN_MAX_WAIT_MS,
    replanAttempts: c.REPLAN_ATTEMPTS,
    replanBackoffMs: c.REPLAN_BACKOFF_MS,
    solverPoolSize: c.SOLVER_POOL_SIZE,
    portfolioCoordination: c.PORTFOLIO_COORDINATION === 'price-loop' ? 'price-loop' : c.PORTFOLIO_COORDINATION === 'site-columns' ? 'site-columns' : 'aggregate-first',
    portfolioPriceStep: (priceStepChoices as readonly string[]).includes(c.PORTFOLIO_PRICE_STEP) ? (c.PORTFOLIO_PRICE_STEP as PriceStepChoice) : 'auto',
    portfolioPriceStepThreads: c.PORTFOLIO_PRICE_STEP_THREADS > 0 ? c.PORTFOLIO_PRICE_STEP_THREADS : Math.min(4, availableParallelism()),
    portfolioBoundSolve: c.PORTFOLIO_BOUND_SOLVE === 'cold-round' ? 'cold-round' : 'warm',
    portfolioCappedPriceFactor: Number(c.PORTFOLIO_CAPPED_PRICE_FACTOR),
    portfolioBestResponseSwap: c.PORTFOLIO_BEST_RESPONSE_SWAP === 'on',
    portfolioFlowPlans: c.PORTFOLIO_FLOW_PLANS === 'resolve' ? 'resolve' : 'carry',
    portfolioWarmPrices: c.PORTFOLIO_WARM_PRICES === 'none' ? 'none' : 'last-plan',
    portfolioSiteModels: c.PORTFOLIO_SITE_MODELS === 'resident' ? 'resident' : 'cold',
    portfolioSiteTimeLimitMs: c.PORTFOLIO_SITE_TIME_LIMIT_MS,
    portfolioResidentMib: c.PORTFOLIO_RESIDENT_MIB,
    portfolioVehicleColumnsFrom: c.PORTFOLIO_VEHICLE_COLUMNS_FROM,
    solveTimeLimitMs: c.SOLVE_TIME_LIMIT_MS,
    syncOptimizeMaxVehicles: c.SYNC_OPTIMIZE_MAX_VEHICLES,
    dispatchAckTimeoutMs: c.DISPATCH_ACK_TIMEOUT_MS,
    dispatchRateLimitMax: c.DISPATCH_RATE_LIMIT_MAX,
    dispatchRateLimitWindowMs: c.DISPATCH_RATE_LIMIT_WINDOW_MS,
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    httpRequestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS,
    httpIdleTimeoutMs: c.HTTP_IDLE_TIMEOUT_MS,
    planHistoryLimit: c.PLAN_HISTORY_LIMIT,
    idempotencyTtlMs: c.IDEMPOTENCY_TTL_MS,
    shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
  });
}

/** The configuration with every default (tests and tools); `overrides` use the camelCase names. */
export function defaultConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return deepFreeze({ ...loadConfig({}), ...overrides });
}
