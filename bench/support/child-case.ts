/**
 * A captured flow child (bench/site-child-capture.ts, issue 17 session 16): a site's base problem and the request
 * aggregate-first's round sent it, as JSON with non-finite numbers written as "#Infinity" / "#-Infinity" / "#NaN".
 * Also the CPU clock and median the child benches share.
 */
import { readFileSync } from 'node:fs';
import type { SiteRequest } from '../../optimizer/portfolio/site-subproblem.ts';
import type { Problem } from '../../optimizer/problem.ts';

/** One captured child: the site, its base problem, the coordinator's request. */
export interface ChildCase {
  readonly siteId: string;
  readonly problem: Problem;
  readonly request: SiteRequest;
}

/** The JSON text of a child case (non-finite numbers kept). */
export function encodeChildCase(c: ChildCase): string {
  return JSON.stringify(c, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `#${String(v)}` : v));
}

/** Reads a child case written by `encodeChildCase`. */
export function readChildCase(file: string): ChildCase {
  return JSON.parse(readFileSync(file, 'utf8'), (_k, x: unknown) => (x === '#Infinity' ? Infinity : x === '#-Infinity' ? -Infinity : x === '#NaN' ? NaN : x)) as ChildCase;
}

/** User + system CPU ms of this process (every thread). */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
