/**
 * Aggregate-first's plan from two answers per site (issue 17 session 15): each site's plan within its caps (its share
 * of the limits) and its best response at the same feeder prices without the caps (`SiteSolution.bestResponse`, the
 * uncapped LP repaired on the same model: no extra solve round). Diagnosis (bench/RESULTS.md, session 15): most of
 * the gap was feeder left unused where it has a price, because the caps split the limit by the RELAXATION's profiles
 * while the exact sites want other slots; the sites' own best responses at the same prices mostly fit together.
 *
 * Greedy: start from the capped plans (their sum keeps every limit, or breaks it only by the unavoidable excess);
 * take the sites in decreasing order of what their best response saves (own cost, without the adder); swap a site's
 * plan for its best response when the new sum breaks no limit in any slot by more than the current sum does (so a
 * slot within its limit stays within it, and a slot above it, by the unavoidable excess, gets no worse); repeat
 * passes until none swaps (a swap can free room for another). **The chosen sum never breaks a limit the capped sum
 * kept**, and the total own cost only falls (each swap saves > 0). Pure arithmetic, no solve.
 */
import type { SharedRowLimits } from './coordinate.ts';

/** The part of a site answer the swap reads. */
export interface SwapCandidate {
  readonly objective: number;
  readonly netImportKw: readonly number[];
}

export interface SwapResult {
  /** Per site: true where its best response is chosen. */
  readonly swapped: readonly boolean[];
  /** How many swapped, of how many sites that offered a cheaper best response. */
  readonly count: number;
  readonly offered: number;
  /** Own cost saved (sum of the swapped sites' capped objective minus best response objective), >= 0. */
  readonly saved: number;
  readonly passes: number;
}

/** See the file's comment. `best[s]` undefined: the site offered none. `tolKw`: per-slot tolerance of a limit. */
export function swapBestResponses(capped: readonly SwapCandidate[], best: readonly (SwapCandidate | undefined)[], limits: SharedRowLimits, tolKw: number, maxPasses = 5): SwapResult {
  const T = limits.importLimitKw.length;
  const sum = new Float64Array(T);
  for (const c of capped) for (let t = 0; t < T; t++) sum[t]! += c.netImportKw[t] ?? 0;
  const swapped = capped.map(() => false);
  const order = capped
    .map((c, s) => ({ s, saving: best[s] ? c.objective - best[s]!.objective : -Infinity }))
    .filter((x) => x.saving > 0 && Number.isFinite(x.saving))
    .sort((x, y) => y.saving - x.saving || x.s - y.s);
  let saved = 0;
  let count = 0;
  let passes = 0;
  for (let changed = true; changed && passes < maxPasses; ) {
    changed = false;
    passes++;
    for (const { s, saving } of order) {
      if (swapped[s]) continue;
      const from = capped[s]!.netImportKw;
      const to = best[s]!.netImportKw;
      let fits = true;
      for (let t = 0; t < T && fits; t++) {
        const next = sum[t]! - (from[t] ?? 0) + (to[t] ?? 0);
        const upper = Math.max(limits.importLimitKw[t]! + tolKw, sum[t]!);
        const lower = Math.min(-limits.exportLimitKw[t]! - tolKw, sum[t]!);
        if (next > upper || next < lower) fits = false;
      }
      if (!fits) continue;
      for (let t = 0; t < T; t++) sum[t]! += (to[t] ?? 0) - (from[t] ?? 0);
      swapped[s] = true;
      saved += saving;
      count++;
      changed = true;
    }
  }
  return { swapped, count, offered: order.length, saved, passes };
}
