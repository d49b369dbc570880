/**
 * Boot configuration: one boot lists every problem. A bad value of one key must not hide the rules
 * that combine other keys (no tokens without the demo, debounce above its maximum wait), and a
 * REDIS_URL that would crash the first Redis client (not a URL, no host, a path that is no database
 * number) is a listed problem, not a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redisUrlIssue } from '../../adapters/config.ts';

function issuesOf(env: Record<string, string>): { key: string; source: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const token = 'ops:0123456789abcdef0123:admin';

describe('loadConfig lists every problem in one boot', () => {
  it('a bad port does not hide the combination rules of other keys', () => {
    const issues = issuesOf({ PORT: 'abc', DEMO: 'false', REPLAN_DEBOUNCE_MS: '5000' });
    expect(issues.map((i) => i.key)).toEqual(['PORT', 'API_TOKENS', 'REPLAN_MAX_WAIT_MS']);
    expect(issues[1]!.message).toMatch(/no API tokens and DEMO=false/);
  });

  it('a bad REDIS_URL, bad tokens and a bad prefix are all listed', () => {
    const issues = issuesOf({ REDIS_URL: 'redis://127.0.0.1:99999', API_TOKENS: 'x:short:read', V2G_REDIS_PREFIX: 'a::b', OCPP_PORT: 'many' });
    expect(issues.map((i) => i.key).sort()).toEqual(['API_TOKENS', 'OCPP_PORT', 'REDIS_URL', 'V2G_REDIS_PREFIX']);
  });

  it('a rule that reads an invalid key is not checked (no second, confusing message for it)', () => {
    // PORT invalid: "the OCPP port equals the HTTP port" cannot be judged
    expect(issuesOf({ PORT: '-1', OCPP_PORT: '-1' }).map((i) => i.key)).toEqual(['PORT', 'OCPP_PORT']);
    // DEMO invalid: the tokens rule waits for a DEMO it can read
    expect(issuesOf({ DEMO: 'maybe' }).map((i) => i.key)).toEqual(['DEMO']);
  });

  it('API_TOKENS problems name where the tokens came from', () => {
    expect(issuesOf({ API_TOKENS: 'x:short:read' })).toEqual([expect.objectContaining({ key: 'API_TOKENS', source: 'env' })]);
  });
});

describe('REDIS_URL is checked at boot', () => {
  it.each([
    ['redis://bad host:6379', /is not a URL/],
    ['redis://127.0.0.1:99999', /is not a URL/],
    ['redis://', /names no host/],
    ['redis://127.0.0.1:6379/abc', /only a database number/],
    ['rediss://cache.example/0/extra', /only a database number/],
  ])('%s is refused', (url, message) => {
    const issues = issuesOf({ REDIS_URL: url, API_TOKENS: token });
    expect(issues).toEqual([expect.objectContaining({ key: 'REDIS_URL', source: 'env', message: expect.stringMatching(message) })]);
  });

  it.each(['redis://127.0.0.1:6379', 'redis://127.0.0.1', 'redis://:secret@cache.internal:6380/2', 'rediss://user:pw@cache.example/', 'redis://[::1]:6379/0'])('%s is accepted', (url) => {
    expect(redisUrlIssue(url)).toBeUndefined();
    expect(loadConfig({ REDIS_URL: url, API_TOKENS: token }).redisUrl).toBe(url);
  });
});
