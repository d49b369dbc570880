/** The site id-token policy (id-token-policy.ts): matching, masking, and the list's validation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idTokenAccepted, idTokenIssues, idTokenLimits, maskIdToken } from '../../../adapters/service/id-token-policy.ts';

const at = '/body/authorization/idTokens';
const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 36 });
const flipCase = (s: string, flips: readonly boolean[]) => [...s].map((c, i) => (flips[i % Math.max(1, flips.length)] ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c)).join('');

describe('idTokenAccepted', () => {
  it('no policy accepts anything; a policy accepts exactly its tokens in any ASCII case', () => {
    expect(idTokenAccepted(undefined, 'x')).toBe(true);
    fc.assert(fc.property(fc.uniqueArray(printable, { maxLength: 20, selector: (t) => t.toUpperCase() }), printable, fc.array(fc.boolean(), { minLength: 1 }), (tokens, other, flips) => {
      const policy = { idTokens: tokens };
      for (const t of tokens) expect(idTokenAccepted(policy, flipCase(t, flips))).toBe(true);
      expect(idTokenAccepted(policy, other)).toBe(tokens.some((t) => t.toUpperCase() === other.toUpperCase()));
    }));
  });
});

describe('maskIdToken', () => {
  it('keeps only the last 4 characters, and masks a short token whole', () => {
    expect(maskIdToken('04A1B2C3D4E5F6')).toBe('**********E5F6');
    expect(maskIdToken('ABCDE')).toBe('*BCDE');
    expect(maskIdToken('ABCD')).toBe('****');
    expect(maskIdToken('')).toBe('');
  });
});

describe('idTokenIssues', () => {
  it('a good list has no issues, empty included', () => {
    expect(idTokenIssues([], at)).toEqual([]);
    expect(idTokenIssues(['04A1B2C3D4E5F6', 'DE*ABC*E1234567*8', 'a b', 'x'.repeat(36)], at)).toEqual([]);
  });

  it('names each bad token by its index and says why', () => {
    expect(idTokenIssues(['ok-1', '', 'x'.repeat(37), 'café', 'tab\there', ' lead', 'OK-1', 'trail ', 'ok-2', 'Ok-2'], at)).toEqual([
      { pointer: `${at}/1`, detail: 'must be 1..36 characters (has 0)' },
      { pointer: `${at}/2`, detail: 'must be 1..36 characters (has 37)' },
      { pointer: `${at}/3`, detail: 'character 4 is U+00E9: only printable ASCII (U+0020..U+007E) is allowed' },
      { pointer: `${at}/4`, detail: 'character 4 is U+0009: only printable ASCII (U+0020..U+007E) is allowed' },
      { pointer: `${at}/5`, detail: 'must not start or end with a space' },
      { pointer: `${at}/6`, detail: `duplicate of ${at}/0 (id tokens are compared ignoring case)` },
      { pointer: `${at}/7`, detail: 'must not start or end with a space' },
      { pointer: `${at}/9`, detail: `duplicate of ${at}/8 (id tokens are compared ignoring case)` },
    ]);
  });

  it('caps the list size', () => {
    const many = Array.from({ length: idTokenLimits.maxTokens + 1 }, (_, i) => `card-${i}`);
    expect(idTokenIssues(many, at)).toEqual([{ pointer: at, detail: `at most ${idTokenLimits.maxTokens} tokens (has ${idTokenLimits.maxTokens + 1})` }]);
    expect(idTokenIssues(many.slice(1), at)).toEqual([]);
  });
});
