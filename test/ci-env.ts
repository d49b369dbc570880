import { describe, it } from 'vitest';

/**
 * Whether the tests run in CI. CI providers set `CI` to `true` (GitHub, GitLab) or `1`; any value other
 * than empty, `0` or `false` counts. In CI, a test that needs a real service (Redis), real data or
 * Chromium must FAIL when it is missing, never skip.
 */
export const inCi: boolean = ((): boolean => {
  const value = (process.env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
})();

/**
 * `describe` for a suite that needs something outside the project (a binary, a browser, a data file).
 * When `missing` is undefined the suite runs. Otherwise it skips with the reason outside CI, and in CI it
 * fails with the reason and how to fix it: such checks never skip silently there.
 */
export function describeNeeding(name: string, missing: string | undefined, body: () => void): void {
  if (missing === undefined) {
    describe(name, body);
    return;
  }
  if (inCi) {
    describe(name, () => {
      it(`needs ${missing} (CI)`, () => {
        throw new Error(`${name}: ${missing}`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${missing}. Outside CI this skips; in CI it fails.`);
  describe.skip(name, body);
}
