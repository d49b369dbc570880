/** The clock that keeps a solve's time budget: monotonic milliseconds (`performance.now`; tests inject a fake). */
export type SolveClock = () => number;

export const systemClock: SolveClock = () => performance.now();
