/**
 * Which coordinated site plans the service stores (adapters/service/portfolio-site-outcomes.ts): a site that hit its
 * time limit is kept and named with its solver's message; a site answered `error` fails the coordination loudly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeTimedOutSites, timedOutLimitMs, timedOutSites } from '../../../adapters/service/portfolio-site-outcomes.ts';

const statuses = ['optimal', 'feasible', 'timed_out'] as const;
const share = (siteId: string, status: string, message?: string) => ({
  siteId,
  importCapKw: [10],
  exportCapKw: [0],
  solution: { status, objective: 1, netImportKw: [5], importKw: [5], exportKw: [0], pricedBound: 1, plan: message !== undefined ? { message } : {} },
});

describe('timedOutSites', () => {
  it('names exactly the timed-out sites, in order, with their messages (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...statuses), { maxLength: 12 }), (ss) => {
        const sites = ss.map((s, i) => share(`s${i}`, s, `m${i}`));
        const out = timedOutSites({ sites } as never);
        expect(out).toEqual(sites.filter((s) => s.solution.status === 'timed_out').map((s) => ({ siteId: s.siteId, message: s.solution.plan.message })));
      }),
      { seed: 15, numRuns: 100 },
    );
  });

  it('fails loudly with V2G_ERR_SOLVE_FAILED naming a site answered error', () => {
    const sites = [share('a', 'timed_out', 'late'), share('b', 'error', 'solver worker exited with code 1')];
    expect(() => timedOutSites({ sites } as never)).toThrow(expect.objectContaining({ code: 'V2G_ERR_SOLVE_FAILED', message: expect.stringMatching(/site "b": the solver returned error: solver worker exited with code 1/) }));
  });

  it('says "no message" for a timed-out plan without one', () => {
    expect(timedOutSites({ sites: [share('a', 'timed_out')] } as never)).toEqual([{ siteId: 'a', message: 'no message' }]);
  });
});

describe('timedOutLimitMs', () => {
  it('is the largest limit the timed-out plans record, undefined when none records one', () => {
    const withLimit = (siteId: string, status: string, timeLimitMs?: number) => {
      const s = share(siteId, status, 'm');
      return { ...s, solution: { ...s.solution, plan: { message: 'm', ...(timeLimitMs !== undefined ? { origin: { timeLimitMs } } : {}) } } };
    };
    expect(timedOutLimitMs({ sites: [withLimit('a', 'timed_out', 20_000), withLimit('b', 'timed_out', 60_000), withLimit('c', 'optimal', 90_000)] } as never)).toBe(60_000);
    expect(timedOutLimitMs({ sites: [withLimit('a', 'timed_out'), withLimit('c', 'optimal', 90_000)] } as never)).toBeUndefined();
  });
});

describe('describeTimedOutSites', () => {
  it('is empty without such sites, names up to five and counts the rest', () => {
    expect(describeTimedOutSites([], 60_000)).toBe('');
    const seven = Array.from({ length: 7 }, (_, i) => ({ siteId: `pf-${i}`, message: 'fallback plan: the llf baseline' }));
    const text = describeTimedOutSites(seven, 60_000);
    expect(text).toMatch(/^7 site\(s\) hit their solve's time limit of 60000 ms and keep the best plan they had by then, within their share: pf-0 \(fallback plan: the llf baseline\)/);
    expect(text).toContain('pf-4');
    expect(text).not.toContain('pf-5');
    expect(text).toMatch(/; and 2 more$/);
  });
});
