import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig } from '../../adapters/config.ts';

const token = 'ops:0123456789abcdef0123:read+admin';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the embedded defaults with no environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, ocppPort: 9220, redisUrl: undefined, demo: true, horizonHours: 24, apiTokens: [] });
  });

  it('reads environment variables, converting numbers and booleans, and freezes the result', () => {
    const c = loadConfig({ PORT: '9000', OCPP_PORT: '9001', DEMO: 'false', API_TOKENS: `${token}, utility:abcdefghijklmnop:dispatch`, LOG_LEVEL: 'warn', UNRELATED: 'x' });
    expect(c.port).toBe(9000);
    expect(c.demo).toBe(false);
    expect(c.apiTokens).toEqual([
      { name: 'ops', token: '0123456789abcdef0123', scopes: ['read', 'admin'] },
      { name: 'utility', token: 'abcdefghijklmnop', scopes: ['dispatch'] },
    ]);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.apiTokens[0])).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow();
  });

  it('lists every problem at once, each with its key and source', () => {
    const e = errorOf(() => loadConfig({ PORT: 'eighty', OCPP_PORT: '70000', DEMO: 'maybe', HORIZON_HOURS: '0', LOG_LEVEL: 'loud' }));
    expect(e.code).toBe('V2G_ERR_CONFIG');
    expect(e.issues.map((i) => i.key).sort()).toEqual(['DEMO', 'HORIZON_HOURS', 'LOG_LEVEL', 'OCPP_PORT', 'PORT']);
    expect(e.issues.every((i) => i.source === 'env')).toBe(true);
    expect(e.message).toMatch(/5 problems/);
  });

  it('REDIS_URL switches on distributed mode: prefix, queue lock and stalled check, demo off by default', () => {
    const c = loadConfig({ REDIS_URL: 'redis://localhost:6379', API_TOKENS: token, V2G_REDIS_PREFIX: 'acme:prod', QUEUE_LOCK_MS: '5000', QUEUE_STALLED_INTERVAL_MS: '1000' });
    expect(c).toMatchObject({ redisUrl: 'redis://localhost:6379', redisPrefix: 'acme:prod', queueLockMs: 5000, queueStalledIntervalMs: 1000, demo: false });
    expect(loadConfig({})).toMatchObject({ redisPrefix: 'v2g', queueLockMs: 30_000, queueStalledIntervalMs: 30_000 });
  });

  it('PORTFOLIO_COORDINATION: the aggregate LP first by default (session 16), site columns and the price loop on request, anything else refused', () => {
    expect(loadConfig({}).portfolioCoordination).toBe('aggregate-first');
    expect(loadConfig({ PORTFOLIO_COORDINATION: 'aggregate-first' }).portfolioCoordination).toBe('aggregate-first');
    expect(loadConfig({ PORTFOLIO_COORDINATION: 'site-columns' }).portfolioCoordination).toBe('site-columns');
    expect(loadConfig({ PORTFOLIO_COORDINATION: 'price-loop' }).portfolioCoordination).toBe('price-loop');
    expect(errorOf(() => loadConfig({ PORTFOLIO_COORDINATION: 'prices' })).issues.map((i) => i.key)).toEqual(['PORTFOLIO_COORDINATION']);
  });

  it('PORTFOLIO_PRICE_STEP: auto by default, each price step on request, anything else refused naming the variable', () => {
    expect(loadConfig({}).portfolioPriceStep).toBe('auto');
    for (const step of ['auto', 'monolithic', 'monolithic-ipm', 'monolithic-ipm-crossover', 'decomposed']) expect(loadConfig({ PORTFOLIO_PRICE_STEP: step }).portfolioPriceStep).toBe(step);
    const e = errorOf(() => loadConfig({ PORTFOLIO_PRICE_STEP: 'ipm' }));
    expect(e.code).toBe('V2G_ERR_CONFIG');
    expect(e.issues.map((i) => i.key)).toEqual(['PORTFOLIO_PRICE_STEP']);
    expect(e.message).toMatch(/PORTFOLIO_PRICE_STEP/);
  });

  it('PORTFOLIO_PRICE_STEP_THREADS: 0 (default) = the machine\'s parallelism at most 4, a number as given, out of range refused', () => {
    expect(loadConfig({}).portfolioPriceStepThreads).toBe(Math.min(4, availableParallelism()));
    expect(loadConfig({ PORTFOLIO_PRICE_STEP_THREADS: '3' }).portfolioPriceStepThreads).toBe(3);
    expect(loadConfig({ PORTFOLIO_PRICE_STEP_THREADS: '1' }).portfolioPriceStepThreads).toBe(1);
    expect(errorOf(() => loadConfig({ PORTFOLIO_PRICE_STEP_THREADS: '65' })).issues.map((i) => i.key)).toEqual(['PORTFOLIO_PRICE_STEP_THREADS']);
  });

  it('PORTFOLIO_SITE_TIME_LIMIT_MS: 60 s by default (longer than SOLVE_TIME_LIMIT_MS), bounded, refused naming the variable', () => {
    expect(loadConfig({})).toMatchObject({ portfolioSiteTimeLimitMs: 60_000, solveTimeLimitMs: 20_000 });
    expect(loadConfig({ PORTFOLIO_SITE_TIME_LIMIT_MS: '120000' }).portfolioSiteTimeLimitMs).toBe(120_000);
    for (const bad of ['50', 'soon', '4000000']) expect(errorOf(() => loadConfig({ PORTFOLIO_SITE_TIME_LIMIT_MS: bad })).issues.map((i) => i.key)).toEqual(['PORTFOLIO_SITE_TIME_LIMIT_MS']);
  });

  it('PORTFOLIO_FLOW_PLANS and PORTFOLIO_WARM_PRICES: carried plans and the plan in force\'s prices by default, the old paths on request', () => {
    expect(loadConfig({})).toMatchObject({ portfolioFlowPlans: 'carry', portfolioWarmPrices: 'last-plan' });
    expect(loadConfig({ PORTFOLIO_FLOW_PLANS: 'resolve', PORTFOLIO_WARM_PRICES: 'none' })).toMatchObject({ portfolioFlowPlans: 'resolve', portfolioWarmPrices: 'none' });
    expect(errorOf(() => loadConfig({ PORTFOLIO_FLOW_PLANS: 'keep' })).issues.map((i) => i.key)).toEqual(['PORTFOLIO_FLOW_PLANS']);
  });

  it('DECOMPOSITION_SHARD_QUEUES: a comma list of shard queues, distributed mode only', () => {
    expect(loadConfig({ REDIS_URL: 'redis://localhost:6379', API_TOKENS: token, DECOMPOSITION_SHARD_QUEUES: 'decomposition-shard-0,decomposition-shard-1' }).decompositionShardQueues).toEqual([
      'decomposition-shard-0',
      'decomposition-shard-1',
    ]);
    expect(loadConfig({ REDIS_URL: 'redis://localhost:6379', API_TOKENS: token }).decompositionShardQueues).toBeUndefined();
    expect(errorOf(() => loadConfig({ DECOMPOSITION_SHARD_QUEUES: 'decomposition-shard-0' })).issues).toEqual([
      { key: 'DECOMPOSITION_SHARD_QUEUES', source: 'combination', message: 'shard workers meet the coordinator on Redis: set REDIS_URL' },
    ]);
    expect(errorOf(() => loadConfig({ REDIS_URL: 'redis://localhost:6379', API_TOKENS: token, DECOMPOSITION_SHARD_QUEUES: 'a,,b' })).issues.map((i) => i.key)).toEqual(['DECOMPOSITION_SHARD_QUEUES']);
  });

  it('with REDIS_URL: tokens are required, and the demo (embedded only) is refused', () => {
    expect(errorOf(() => loadConfig({ REDIS_URL: 'redis://localhost:6379' })).issues.map((i) => i.key)).toEqual(['API_TOKENS']);
    const e = errorOf(() => loadConfig({ REDIS_URL: 'redis://localhost:6379', DEMO: 'true' }));
    expect(e.issues).toEqual([expect.objectContaining({ key: 'DEMO', source: 'combination', message: expect.stringMatching(/embedded only/) })]);
  });

  it('refuses a Redis prefix that would not namespace keys (glob characters, empty parts)', () => {
    for (const prefix of ['v2g*', 'a::b', 'has space', ':lead']) {
      const e = errorOf(() => loadConfig({ V2G_REDIS_PREFIX: prefix }));
      expect(e.issues.map((i) => i.key)).toEqual(['V2G_REDIS_PREFIX']);
    }
  });

  it('validates REDIS_URL like any other field first', () => {
    const e = errorOf(() => loadConfig({ REDIS_URL: 'http://nope' }));
    expect(e.code).toBe('V2G_ERR_CONFIG');
    expect(e.issues[0]!.key).toBe('REDIS_URL');
  });

  it('refuses bad tokens and a production mode without tokens', () => {
    const e = errorOf(() => loadConfig({ API_TOKENS: 'a:short:read,b:0123456789abcdefgh:root,a:0123456789abcdefgh:read' }));
    const messages = e.issues.map((i) => i.message).join('\n');
    expect(messages).toMatch(/at least 16 characters/);
    expect(messages).toMatch(/unknown: root/);
    expect(messages).toMatch(/"a" is used twice/);
    expect(errorOf(() => loadConfig({ DEMO: 'false' })).issues[0]!.message).toMatch(/no API tokens/);
  });

  it('refuses the same port for HTTP and OCPP', () => {
    expect(errorOf(() => loadConfig({ PORT: '9220' })).issues[0]).toMatchObject({ key: 'OCPP_PORT', source: 'combination' });
  });

  it('reads a JSON file, with the environment winning, and refuses unknown keys in it', () => {
    const files: Record<string, string> = {
      'ok.json': JSON.stringify({ PORT: 7000, HORIZON_HOURS: 36, DEMO: false, API_TOKENS: token }),
      'typo.json': JSON.stringify({ PROT: 7000, PORT: 'x' }),
    };
    const readFile = (p: string) => {
      if (!(p in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return files[p]!;
    };
    const c = loadConfig({ HORIZON_HOURS: '12' }, { file: 'ok.json', readFile });
    expect(c).toMatchObject({ port: 7000, horizonHours: 12, demo: false });
    const e = errorOf(() => loadConfig({}, { file: 'typo.json', readFile }));
    expect(e.issues.map((i) => [i.key, i.source])).toEqual([
      ['PROT', 'file'],
      ['PORT', 'file'],
    ]);
    expect(errorOf(() => loadConfig({ V2G_CONFIG_FILE: 'missing.json' }, { readFile })).issues[0]!.message).toMatch(/ENOENT/);
  });

  it('defaultConfig applies overrides', () => {
    expect(defaultConfig({ port: 0 }).port).toBe(0);
  });
});

describe('loadConfig: OCPP security', () => {
  const pem = {
    'cert.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    'key.pem': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    'junk.pem': 'not a pem file',
  } as Record<string, string>;
  const readFile = (p: string) => {
    if (!(p in pem)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return pem[p]!;
  };

  it('defaults: profile 0, no TLS, no auto-registration, 64 KiB messages', () => {
    expect(loadConfig({})).toMatchObject({ ocppSecurityProfile: 0, ocppTlsCertFile: undefined, ocppTlsKeyFile: undefined, ocppAutoRegister: false, ocppMaxMessageBytes: 65_536 });
  });

  it('reads profile, TLS files, auto-registration and the message limit', () => {
    const c = loadConfig({ OCPP_SECURITY_PROFILE: '2', OCPP_TLS_CERT_FILE: 'cert.pem', OCPP_TLS_KEY_FILE: 'key.pem', OCPP_AUTO_REGISTER: 'true', OCPP_MAX_MESSAGE_BYTES: '131072' }, { readFile });
    expect(c).toMatchObject({ ocppSecurityProfile: 2, ocppTlsCertFile: 'cert.pem', ocppTlsKeyFile: 'key.pem', ocppAutoRegister: true, ocppMaxMessageBytes: 131_072 });
    expect(loadConfig({ OCPP_SECURITY_PROFILE: '1' }).ocppSecurityProfile).toBe(1);
  });

  it('lists every problem: profile out of range, missing or unreadable or non-PEM TLS files, a bad limit', () => {
    const e = errorOf(() => loadConfig({ OCPP_SECURITY_PROFILE: '3', OCPP_AUTO_REGISTER: 'perhaps', OCPP_MAX_MESSAGE_BYTES: '10' }, { readFile }));
    expect(e.issues.map((i) => i.key).sort()).toEqual(['OCPP_AUTO_REGISTER', 'OCPP_MAX_MESSAGE_BYTES', 'OCPP_SECURITY_PROFILE']);
    const missing = errorOf(() => loadConfig({ OCPP_SECURITY_PROFILE: '2' }, { readFile }));
    expect(missing.issues.map((i) => [i.key, i.source])).toEqual([['OCPP_TLS_CERT_FILE', 'combination'], ['OCPP_TLS_KEY_FILE', 'combination']]);
    expect(missing.message).toMatch(/OCPP_TLS_CERT_FILE \(combination\): is required with OCPP_SECURITY_PROFILE=2/);
    const bad = errorOf(() => loadConfig({ OCPP_SECURITY_PROFILE: '2', OCPP_TLS_CERT_FILE: 'nowhere.pem', OCPP_TLS_KEY_FILE: 'junk.pem' }, { readFile }));
    expect(bad.issues.map((i) => [i.key, i.source])).toEqual([['OCPP_TLS_CERT_FILE', 'env'], ['OCPP_TLS_KEY_FILE', 'env']]);
    expect(bad.issues[0]!.message).toMatch(/cannot read nowhere\.pem: ENOENT/);
    expect(bad.issues[1]!.message).toMatch(/junk\.pem holds no PEM private key/);
    expect(errorOf(() => loadConfig({ OCPP_TLS_CERT_FILE: 'cert.pem' }, { readFile })).issues[0]).toMatchObject({ key: 'OCPP_TLS_KEY_FILE', source: 'combination' });
  });
});
