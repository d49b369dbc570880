/**
 * Waits in tests end when their event happens; the bound a test passes only turns a hang into a failure that says
 * what it waited for. On a loaded machine (`npm run test:loaded`: 4 runnable tasks per core) events come seconds
 * late, so a bound is never shorter than this floor: a test must not fail because the machine is slow.
 */
export const hangGuardFloorMs = 30_000;

/** The bound to use for a wait a test sized at `ms`: at least `hangGuardFloorMs`. */
export function hangGuard(ms: number): number {
  return Math.max(ms, hangGuardFloorMs);
}
