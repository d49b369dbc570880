/**
 * Measurement and verification (M&V) of one dispatch at one site: per slot of the dispatch window, what
 * was requested, what the baseline (the plan in force before the dispatch) and the plan made with it
 * foresaw, what was metered, and the shortfall with its reason.
 *
 * Terms: every power is the site's net grid import (kW; negative = export) turned into the dispatch's own
 * quantity: `import-limit` -> import (met when at most the limit), `export-delivery` -> export (met when at
 * least the power), `import-reduction` -> baseline import minus import (met when at least the power).
 *
 * Delivered per slot comes from, in this order:
 * 1. the site meter (a series of net import kW, posted as the `site-meter` signal) when it covers the whole
 *    slot (the intervals' energy-weighted mean);
 * 2. otherwise the chargers' registers (meter-samples.ts) plus the rest of the site (base load minus PV)
 *    as planned, when every charger the plan used in the slot has bracketing samples. This assumption is
 *    named on the slot (`source: charger-meters+planned-site-load`); chargers without samples and planned
 *    at 0 kW are counted 0 and named;
 * 3. otherwise the slot is a gap: delivered and shortfall are null and `reason` names what is missing.
 * A slot that has not ended by `nowUtcMs` is `pending` (not a gap). Nothing is ever interpolated across
 * a gap or filled from the plan silently.
 */
import type { SignalSeries } from '../signal-series.ts';
import { cleanMeterSamples, meteredKwh, type MeterIssue, type MeterRegisterSample } from './meter-samples.ts';

export type DeliveryRequestKind = 'import-limit' | 'export-delivery' | 'import-reduction';

/** What was asked of the site. */
export interface DeliveryRequest {
  readonly kind: DeliveryRequestKind;
  /** The limit, the export, or the reduction (kW, >= 0). */
  readonly powerKw: number;
  readonly startUtcMs: number;
  readonly endUtcMs: number;
}

/** A slot of the window with the site's net import in the baseline and in the dispatch's plan. */
export interface PlannedSlot {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  /** Net import of the plan in force before the dispatch (kW); undefined = that plan did not reach this slot. */
  readonly baselineNetKw?: number;
  /** Net import of the plan made with the dispatch (kW); undefined = beyond its horizon. */
  readonly plannedNetKw?: number;
  /** The plan's power per charger (kW, + charging); chargers absent = 0. */
  readonly plannedChargerKw?: Readonly<Record<string, number>>;
  /** The rest of the site as planned: base load minus PV (kW). */
  readonly plannedSiteLoadKw?: number;
}

export interface MeasuredDeliveryInput {
  readonly request: DeliveryRequest;
  readonly slots: readonly PlannedSlot[];
  /** Net import (kW) metered at the site's connection point; any interval lengths. */
  readonly siteMeter?: SignalSeries;
  readonly chargerSamples?: readonly MeterRegisterSample[];
  /** The site's chargers (samples of any other meter are named and not used). */
  readonly chargerIds: readonly string[];
  /** Slots ending after this are pending. */
  readonly nowUtcMs: number;
  /** Two register samples further apart than this do not bracket a slot boundary (default 30 min). */
  readonly maxSampleSpacingMs?: number;
  /** A slot is met within this (kW; default 0.1). */
  readonly toleranceKw?: number;
}

export type DeliverySource = 'site-meter' | 'charger-meters+planned-site-load' | 'none';
export type SlotOutcome = 'met' | 'short' | 'gap' | 'pending';

export interface DeliverySlot {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  /** In the request's terms (see the file header); `baselineKw` of a reduction is the baseline import. */
  readonly requestedKw: number;
  readonly baselineKw: number | null;
  readonly plannedKw: number | null;
  readonly deliveredKw: number | null;
  /** Net import (kW) of the baseline, the plan and the meter (null: none / a gap). */
  readonly baselineNetKw: number | null;
  readonly plannedNetKw: number | null;
  readonly meteredNetKw: number | null;
  readonly shortfallKw: number | null;
  readonly outcome: SlotOutcome;
  readonly source: DeliverySource;
  /** Why it fell short, why it is a gap, or what was assumed. */
  readonly reason?: string;
}

export interface DeliveryTotals {
  readonly requestedKwh: number;
  readonly plannedKwh: number;
  /** Over the metered slots only. */
  readonly deliveredKwh: number;
  readonly shortfallKwh: number;
  readonly slots: Readonly<Record<SlotOutcome, number>>;
}

export interface DeliveryReport {
  readonly request: DeliveryRequest;
  readonly slots: readonly DeliverySlot[];
  readonly totals: DeliveryTotals;
  readonly meterIssues: readonly MeterIssue[];
  /** `complete` = every ended slot metered; `partial` = some gaps; `unmeasured` = no ended slot metered; `pending` = no slot has ended. */
  readonly measurement: 'complete' | 'partial' | 'unmeasured' | 'pending';
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Net import (kW) in the dispatch's terms. */
export function inRequestTerms(kind: DeliveryRequestKind, netKw: number, baselineNetKw: number | undefined): number | null {
  if (kind === 'import-limit') return netKw;
  if (kind === 'export-delivery') return Math.max(0, -netKw);
  return baselineNetKw === undefined ? null : baselineNetKw - netKw;
}

/** The baseline in the request's quantity; for a reduction the baseline import it is measured against. */
export function baselineInTerms(kind: DeliveryRequestKind, baselineNetKw: number): number {
  return kind === 'import-reduction' ? baselineNetKw : inRequestTerms(kind, baselineNetKw, baselineNetKw)!;
}

/** Shortfall (kW, >= 0) of a value in request terms. */
export function shortfallOf(kind: DeliveryRequestKind, requestedKw: number, valueKw: number): number {
  return kind === 'import-limit' ? Math.max(0, valueKw - requestedKw) : Math.max(0, requestedKw - valueKw);
}

/** Mean of the site meter over the slot when its intervals cover it whole, else the uncovered minutes. */
function siteMeterKw(series: SignalSeries | undefined, from: number, to: number): { kw: number } | { missingMs: number } {
  if (!series) return { missingMs: to - from };
  let covered = 0;
  let energy = 0;
  for (const iv of series.intervals) {
    const a = Math.max(from, iv.startUtcMs);
    const b = Math.min(to, iv.endUtcMs);
    if (b > a) {
      covered += b - a;
      energy += iv.value * (b - a);
    }
  }
  return covered >= to - from ? { kw: energy / (to - from) } : { missingMs: to - from - covered };
}

export function measureDelivery(input: MeasuredDeliveryInput): DeliveryReport {
  const { request } = input;
  const tolerance = input.toleranceKw ?? 0.1;
  const spacing = input.maxSampleSpacingMs ?? 30 * 60_000;
  const cleaned = cleanMeterSamples(input.chargerSamples ?? [], new Set(input.chargerIds));
  const slots = input.slots.map((slot): DeliverySlot => {
    const from = slot.startUtcMs;
    const to = slot.endUtcMs;
    const hours = (to - from) / 3_600_000;
    const baselineKw = slot.baselineNetKw === undefined ? null : baselineInTerms(request.kind, slot.baselineNetKw);
    const plannedKw = slot.plannedNetKw === undefined ? null : inRequestTerms(request.kind, slot.plannedNetKw, slot.baselineNetKw);
    const base = { startUtcMs: from, endUtcMs: to, requestedKw: request.powerKw, baselineKw: baselineKw === null ? null : r3(baselineKw), plannedKw: plannedKw === null ? null : r3(plannedKw),
      baselineNetKw: slot.baselineNetKw ?? null,
      plannedNetKw: slot.plannedNetKw ?? null,
    };
    if (to > input.nowUtcMs) return { ...base, deliveredKw: null, meteredNetKw: null, shortfallKw: null, outcome: 'pending', source: 'none', reason: 'the slot has not ended' };
    let netKw: number | undefined;
    let source: DeliverySource = 'none';
    const notes: string[] = [];
    const site = siteMeterKw(input.siteMeter, from, to);
    if ('kw' in site) {
      netKw = site.kw;
      source = 'site-meter';
    } else {
      const missing: string[] = [];
      const idle: string[] = [];
      let chargersKw = 0;
      for (const id of input.chargerIds) {
        const meter = cleaned.meters.get(id);
        const kwh = meter ? meteredKwh(meter, from, to, spacing) : undefined;
        if (kwh !== undefined) chargersKw += kwh / hours;
        else if ((slot.plannedChargerKw?.[id] ?? 0) === 0) idle.push(id);
        else missing.push(id);
      }
      const siteMissing = input.siteMeter ? `the site meter misses ${Math.round(site.missingMs / 60_000)} min of the slot` : 'no site meter data';
      if (missing.length > 0 || slot.plannedSiteLoadKw === undefined || idle.length === input.chargerIds.length) {
        const why = missing.length > 0 ? `no bracketing register samples from charger(s) ${missing.join(', ')}` : slot.plannedSiteLoadKw === undefined ? 'no planned site load to add' : 'no charger samples';
        return { ...base, deliveredKw: null, meteredNetKw: null, shortfallKw: null, outcome: 'gap', source: 'none', reason: `meter gap: ${siteMissing}; ${why}` };
      }
      netKw = chargersKw + slot.plannedSiteLoadKw;
      source = 'charger-meters+planned-site-load';
      notes.push(`${siteMissing}: chargers metered, base load minus PV as planned (${r3(slot.plannedSiteLoadKw)} kW)`);
      if (idle.length > 0) notes.push(`no samples from ${idle.join(', ')}, planned idle: counted 0 kW`);
    }
    const deliveredKw = inRequestTerms(request.kind, netKw, slot.baselineNetKw);
    if (deliveredKw === null) {
      return { ...base, deliveredKw: null, meteredNetKw: r3(netKw), shortfallKw: null, outcome: 'gap', source, reason: 'no baseline for this slot: a reduction cannot be measured' };
    }
    const shortfall = shortfallOf(request.kind, request.powerKw, deliveredKw);
    const short = shortfall > tolerance;
    if (short) notes.unshift(shortReason(request.kind, request.powerKw, plannedKw, deliveredKw, tolerance));
    return {
      ...base,
      deliveredKw: r3(deliveredKw),
      meteredNetKw: r3(netKw),
      shortfallKw: r3(short ? shortfall : 0),
      outcome: short ? 'short' : 'met',
      source,
      ...(notes.length > 0 ? { reason: notes.join('; ') } : {}),
    };
  });
  return { request, slots, totals: totalsOf(slots), meterIssues: cleaned.issues, measurement: measurementOf(slots) };
}

function shortReason(kind: DeliveryRequestKind, requestedKw: number, plannedKw: number | null, deliveredKw: number, tolerance: number): string {
  if (plannedKw === null) return 'not planned: the slot was beyond the plan\'s horizon';
  const plannedShort = shortfallOf(kind, requestedKw, plannedKw);
  if (plannedShort > tolerance) return `the plan could not meet it (planned ${r3(plannedKw)} kW against ${requestedKw} kW)`;
  return `metered ${r3(deliveredKw)} kW deviated from the plan's ${r3(plannedKw)} kW`;
}

/** Fields the totals read from a slot (site or portfolio). */
export type TotalledSlot = Pick<DeliverySlot, 'startUtcMs' | 'endUtcMs' | 'requestedKw' | 'plannedKw' | 'deliveredKw' | 'shortfallKw' | 'outcome'>;

export function totalsOf(slots: readonly TotalledSlot[]): DeliveryTotals {
  const count: Record<SlotOutcome, number> = { met: 0, short: 0, gap: 0, pending: 0 };
  let requestedKwh = 0;
  let plannedKwh = 0;
  let deliveredKwh = 0;
  let shortfallKwh = 0;
  for (const s of slots) {
    const h = (s.endUtcMs - s.startUtcMs) / 3_600_000;
    count[s.outcome]++;
    requestedKwh += s.requestedKw * h;
    plannedKwh += (s.plannedKw ?? 0) * h;
    deliveredKwh += (s.deliveredKw ?? 0) * h;
    shortfallKwh += (s.shortfallKw ?? 0) * h;
  }
  return { requestedKwh: r3(requestedKwh), plannedKwh: r3(plannedKwh), deliveredKwh: r3(deliveredKwh), shortfallKwh: r3(shortfallKwh), slots: count };
}

export function measurementOf(slots: readonly Pick<DeliverySlot, 'outcome'>[]): DeliveryReport['measurement'] {
  const ended = slots.filter((s) => s.outcome !== 'pending');
  if (ended.length === 0) return 'pending';
  const gaps = ended.filter((s) => s.outcome === 'gap').length;
  return gaps === 0 ? 'complete' : gaps === ended.length ? 'unmeasured' : 'partial';
}
