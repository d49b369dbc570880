/**
 * A site's id-token policy (OCPP 1.6 Authorize / StartTransaction idTag, 2.x Authorize / TransactionEvent
 * idToken.idToken): which cards and tokens may charge at the site's chargers.
 *
 * - No policy on the site (`authorization` omitted): every token is Accepted.
 * - A policy: a token is Accepted iff it is listed, else Invalid. Comparison ignores ASCII case (OCPP id
 *   tokens are case-insensitive: 1.6 CiString20, 2.0.1 idToken up to 36 characters); only a-z are folded,
 *   so no Unicode case mapping can make an unlisted token match ('ı'.toUpperCase() is 'I').
 *
 * Listed tokens: 1..36 printable ASCII characters (U+0020..U+007E) without a leading or trailing space, no
 * two equal ignoring case, at most `idTokenLimits.maxTokens` of them. (A 1.6 charger sends at most 20
 * characters, so a longer token can only match 2.x chargers.)
 */
import type { FieldIssue } from '../errors.ts';
import type { SiteAuthorizationRecord } from '../store/records.ts';

export const idTokenLimits = { maxLength: 36, maxTokens: 10_000 } as const;

/** The comparison key of a token: a-z upper-cased, nothing else changed. */
export function idTokenKey(token: string): string {
  return token.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Keys per policy object (records are immutable, so a policy's keys never change). */
const keysOf = new WeakMap<SiteAuthorizationRecord, ReadonlySet<string>>();

/** Whether `token` may charge under `policy` (undefined = no policy = any token). */
export function idTokenAccepted(policy: SiteAuthorizationRecord | undefined, token: string): boolean {
  if (!policy) return true;
  let keys = keysOf.get(policy);
  if (!keys) {
    keys = new Set(policy.idTokens.map(idTokenKey));
    keysOf.set(policy, keys);
  }
  return keys.has(idTokenKey(token));
}

/** A token for logs: only its last 4 characters (a token of 4 or fewer is masked whole). */
export function maskIdToken(token: string): string {
  return token.length <= 4 ? '*'.repeat(token.length) : `${'*'.repeat(token.length - 4)}${token.slice(-4)}`;
}

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why a listed token is not usable, or undefined. */
function tokenIssue(token: string): string | undefined {
  const chars = [...token];
  if (chars.length < 1 || chars.length > idTokenLimits.maxLength) return `must be 1..${idTokenLimits.maxLength} characters (has ${chars.length})`;
  const bad = chars.findIndex((c) => c.codePointAt(0)! < 0x20 || c.codePointAt(0)! > 0x7e);
  if (bad >= 0) return `character ${bad + 1} is ${hex(chars[bad]!.codePointAt(0)!)}: only printable ASCII (U+0020..U+007E) is allowed`;
  if (token.startsWith(' ') || token.endsWith(' ')) return 'must not start or end with a space';
  return undefined;
}

/** Every problem of a token list, each named by pointer (`at` is the list, e.g. /body/authorization/idTokens). */
export function idTokenIssues(tokens: readonly string[], at: string): FieldIssue[] {
  if (tokens.length > idTokenLimits.maxTokens) return [{ pointer: at, detail: `at most ${idTokenLimits.maxTokens} tokens (has ${tokens.length})` }];
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  tokens.forEach((token, i) => {
    const problem = tokenIssue(token);
    if (problem) {
      issues.push({ pointer: `${at}/${i}`, detail: problem });
      return;
    }
    const key = idTokenKey(token);
    const prev = seen.get(key);
    if (prev !== undefined) issues.push({ pointer: `${at}/${i}`, detail: `duplicate of ${at}/${prev} (id tokens are compared ignoring case)` });
    else seen.set(key, i);
  });
  return issues;
}
