/**
 * How loaded a network was: from each charger's power per slot (kW; a plan's or a replay's), every element's
 * current magnitude per slot, its peak and its peak over its limit, and the current unbalance of the
 * transformer's lines by the NEMA definition: the largest deviation of a line's current from the mean of
 * the three, over that mean (%), in slots where the mean is above `idleCurrentA`.
 */
import type { Network } from './network-schema.ts';
import { networkElements, type ElementKind } from './network-elements.ts';
import type { LineName } from './phasors.ts';

/** Below this mean line current (A) a slot has no unbalance (nothing flows). */
export const idleCurrentA = 1e-6;

/** One element's load over the slots. */
export interface ElementLoading {
  readonly name: string;
  readonly kind: ElementKind;
  readonly elementId: string;
  readonly line?: LineName;
  readonly limitA?: number;
  /** Highest magnitude (A) and the first slot it was reached. */
  readonly peakA: number;
  readonly peakSlot: number;
  /** peakA / limitA x 100 (absent without a limit). */
  readonly peakLoadingPct?: number;
  /** Slots in which the magnitude was above its limit (by more than 1e-6 relative). */
  readonly slotsOverLimit: number;
}

export interface NetworkLoading {
  readonly elements: readonly ElementLoading[];
  /** Per element (same order), its magnitude per slot (A). */
  readonly magnitudesA: readonly Float64Array[];
  /** NEMA unbalance of the secondary lines per slot (%; NaN where nothing flows). */
  readonly secondaryUnbalancePct: Float64Array;
  /** Mean and highest unbalance over the slots where current flows (undefined when it never does). */
  readonly meanSecondaryUnbalancePct: number | undefined;
  readonly maxSecondaryUnbalancePct: number | undefined;
  /** The same on the primary lines (undefined without a primary). */
  readonly meanPrimaryUnbalancePct: number | undefined;
  /** Highest peak over limit of any limited element (%; undefined when no element has a limit). */
  readonly peakLoadingPct: number | undefined;
  /** Per slot, the highest magnitude over limit of any limited element (%; 0 without limits). */
  readonly loadingPctPerSlot: Float64Array;
}

/** NEMA unbalance of three magnitudes (%), NaN when their mean is at most `idleCurrentA`. */
export function nemaUnbalancePct(a: number, b: number, c: number): number {
  const mean = (a + b + c) / 3;
  if (mean <= idleCurrentA) return Number.NaN;
  return (100 * Math.max(Math.abs(a - mean), Math.abs(b - mean), Math.abs(c - mean))) / mean;
}

function meanAndMax(values: Float64Array): { mean: number | undefined; max: number | undefined } {
  let sum = 0;
  let n = 0;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
    max = Math.max(max, v);
  }
  return n > 0 ? { mean: sum / n, max } : { mean: undefined, max: undefined };
}

/**
 * The loading of `network` when charger c draws `chargerPowerKw.get(c)[t]` kW in slot t (absent = 0) over
 * `slotCount` slots.
 */
export function networkLoading(network: Network, chargerPowerKw: ReadonlyMap<string, ArrayLike<number>>, slotCount: number): NetworkLoading {
  const elements = networkElements(network);
  const magnitudes = elements.map(() => new Float64Array(slotCount));
  elements.forEach((e, k) => {
    const out = magnitudes[k]!;
    const series: { re: number; im: number; kw: ArrayLike<number> }[] = [];
    for (const [id, c] of e.coefficients) {
      const kw = chargerPowerKw.get(id);
      if (kw) series.push({ re: c.re, im: c.im, kw });
    }
    for (let t = 0; t < slotCount; t++) {
      let re = 0;
      let im = 0;
      for (const s of series) {
        const p = s.kw[t] ?? 0;
        re += s.re * p;
        im += s.im * p;
      }
      out[t] = Math.hypot(re, im);
    }
  });
  const loadingPctPerSlot = new Float64Array(slotCount);
  const loadings: ElementLoading[] = elements.map((e, k) => {
    const m = magnitudes[k]!;
    let peakA = 0;
    let peakSlot = 0;
    let over = 0;
    for (let t = 0; t < slotCount; t++) {
      if (m[t]! > peakA) {
        peakA = m[t]!;
        peakSlot = t;
      }
      if (e.limitA !== undefined) {
        if (m[t]! > e.limitA * (1 + 1e-6) + 1e-9) over++;
        if (e.limitA > 0) loadingPctPerSlot[t] = Math.max(loadingPctPerSlot[t]!, (100 * m[t]!) / e.limitA);
      }
    }
    return {
      name: e.name,
      kind: e.kind,
      elementId: e.elementId,
      ...(e.line !== undefined ? { line: e.line } : {}),
      ...(e.limitA !== undefined ? { limitA: e.limitA, peakLoadingPct: e.limitA > 0 ? (100 * peakA) / e.limitA : peakA > 0 ? Infinity : 0 } : {}),
      peakA,
      peakSlot,
      slotsOverLimit: over,
    };
  });
  const lines = (kind: 'secondary' | 'primary') => elements.flatMap((e, k) => (e.kind === kind ? [magnitudes[k]!] : []));
  const unbalance = (ms: Float64Array[]) => Float64Array.from({ length: slotCount }, (_, t) => nemaUnbalancePct(ms[0]![t]!, ms[1]![t]!, ms[2]![t]!));
  const secondaryUnbalancePct = unbalance(lines('secondary'));
  const secondary = meanAndMax(secondaryUnbalancePct);
  const primaryLines = lines('primary');
  const limited = loadings.filter((l) => l.peakLoadingPct !== undefined);
  return {
    elements: loadings,
    magnitudesA: magnitudes,
    secondaryUnbalancePct,
    meanSecondaryUnbalancePct: secondary.mean,
    maxSecondaryUnbalancePct: secondary.max,
    meanPrimaryUnbalancePct: primaryLines.length === 3 ? meanAndMax(unbalance(primaryLines)).mean : undefined,
    peakLoadingPct: limited.length > 0 ? Math.max(...limited.map((l) => l.peakLoadingPct!)) : undefined,
    loadingPctPerSlot,
  };
}
