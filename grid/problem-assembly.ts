/**
 * Assembling the optimizer's slot-indexed `Problem` from a site, vehicles with instants and signal series.
 *
 * Rules:
 * - The horizon starts at `horizonStart` floored to a slot boundary of the local wall clock
 *   (`alignToSlotStart`) and ends at `horizonEnd` rounded up to a whole slot; slots are UTC, so a horizon
 *   over a DST change has 92 or 100 quarter-hours per local day. At most 10 000 slots.
 * - Vehicles follow `plug-window.ts`: arrival rounds up, departure rounds down, already plugged in = slot 0,
 *   departures after the horizon keep slot indices > slotCount, and vehicles without one whole slot are
 *   returned in `droppedVehicles`.
 * - Signals are resampled onto the grid (`resample.ts`; one gap policy for all, default: gaps are errors):
 *   prices to `<site currency>/kWh` (a price in another currency is an error, not converted), base load and
 *   PV to kW (both must be >= 0). Import price = market + `importPriceTerms` (`price-terms.ts`).
 * - Limits follow `site-limits.ts` (tightest per slot, with its source). A demand charge applies to the slots
 *   inside its billing period. A site's three-phase network becomes the problem's `network` (site-network.ts).
 * - Every bad input is collected before throwing: one failing part keeps its code; several give
 *   `V2G_ERR_ASSEMBLY_INPUT` with each issue naming its code. The result always passes `validateProblem`
 *   (otherwise `V2G_ERR_PROBLEM_INVALID`).
 */
import { limits, type Problem } from '../optimizer/problem.ts';
import { validateProblem } from '../optimizer/problem-validation.ts';
import type { DemandChargeInput } from './demand-charge.ts';
import { GridInputError, prefixIssues, type GridErrorCode, type GridIssue } from './errors.ts';
import { toUtcMs, type InstantInput } from './instant-input.ts';
import type { LocalTimePolicy } from './local-time.ts';
import { composePrice, type PriceBreakdown, type PriceTerm } from './price-terms.ts';
import { resampleToGrid, type GapPolicy } from './resample.ts';
import type { SignalSeries } from './signal-series.ts';
import { siteLimitsPerSlot, type CapacityLimit, type SiteLimits } from './site-limits.ts';
import { problemNetwork, type SiteNetwork } from './site-network.ts';
import { alignToSlotStart, createSlotGrid, slotMinutesIssue, type SlotGrid } from './slot-grid.ts';
import { vehiclesOnGrid, type DroppedVehicle, type VehicleAtInstants } from './vehicle-at-instants.ts';
import { isKnownZone } from './zone.ts';

/** Largest horizon the optimizer accepts (`Problem.slotCount` maximum). */
export const maxSlotCount = limits.maxSlots;

/** A site: where it is, how it is billed, how it is connected. */
export interface SiteDescription {
  readonly name?: string;
  /** IANA zone of the site, e.g. Europe/Brussels. */
  readonly zone: string;
  /** ISO 4217 code all prices must be in, e.g. EUR. */
  readonly currency: string;
  /** Slot length (min), dividing 24 h; 15 for quarter-hour markets. */
  readonly slotMinutes: number;
  /** Contracted import limit (kW, > 0). */
  readonly connectionImportKw: number;
  /** Contracted export limit (kW); omitted = no export. */
  readonly connectionExportKw?: number;
  /** Transformer rating (kW), caps import and export. */
  readonly transformerRatingKw?: number;
  /** Passed to the Problem; default there 10 per kWh. */
  readonly shortfallPenaltyPerKwh?: number;
  /**
   * The three-phase network (site-network.ts), already checked against the site's chargers; becomes the
   * Problem's `network` (transformer limits in amps). The import limit above applies on top.
   */
  readonly network?: SiteNetwork;
  /** DST policy for local-time instants (default: reject nonexistent and ambiguous ones). */
  readonly localTimePolicy?: LocalTimePolicy;
}

/** A price term whose per-kWh value is a series (e.g. a time-of-use network fee), resampled onto the grid. */
export interface SeriesPriceTerm {
  readonly name: string;
  readonly kind: 'per-kwh-series';
  readonly series: SignalSeries;
}

/** The signals of a site. Series may extend beyond the horizon; they must cover it. */
export interface SiteSignals {
  /** Market (or tariff) import price, any price unit in the site currency (e.g. EUR/MWh). */
  readonly importPrice: SignalSeries;
  /** Network fees and taxes on top of the import price, in the site currency. */
  readonly importPriceTerms?: readonly (PriceTerm | SeriesPriceTerm)[];
  /** Price received for export; default 0. */
  readonly exportPrice?: SignalSeries;
  /** Inflexible site load: power units, or energy per interval (then its average power). */
  readonly baseLoad?: SignalSeries;
  /** PV generation, as for `baseLoad`. */
  readonly pv?: SignalSeries;
  /** Dispatch events and other time-bounded limits. */
  readonly capacityLimits?: readonly CapacityLimit[];
  readonly demandCharge?: DemandChargeInput;
  /** Gap policy for every series; default gaps are errors. */
  readonly gapPolicy?: GapPolicy;
}

export interface AssemblyInput {
  readonly site: SiteDescription;
  /** Start of the horizon, usually "now" from the caller's clock. */
  readonly horizonStart: InstantInput;
  readonly horizonEnd: InstantInput;
  /** Vehicle descriptions; validated here against `VehicleAtInstantsSchema` (they may come from JSON). */
  readonly vehicles: readonly VehicleAtInstants[];
  readonly signals: SiteSignals;
}

/** The problem, the grid to map slot indices back to instants, and what was decided on the way. */
export interface AssembledProblem {
  readonly problem: Problem;
  readonly grid: SlotGrid;
  /** Vehicles not plugged in for one whole slot of the horizon. */
  readonly droppedVehicles: readonly DroppedVehicle[];
  /** The import price per slot and its named terms. */
  readonly importPrice: PriceBreakdown;
  /** The binding import/export limit of every slot with its source. */
  readonly limits: SiteLimits;
}

class Collector {
  readonly failures: { code: GridErrorCode; issues: GridIssue[] }[] = [];

  /** Runs `fn`; a `GridInputError` is recorded with its issues under `prefix`, and undefined returned. */
  attempt<T>(prefix: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof GridInputError)) throw e;
      this.failures.push({ code: e.code, issues: prefixIssues(prefix, e.issues) });
      return undefined;
    }
  }

  fail(code: GridErrorCode, issues: GridIssue[]): void {
    if (issues.length > 0) this.failures.push({ code, issues });
  }

  throwIfAny(): void {
    const first = this.failures[0];
    if (first === undefined) return;
    if (this.failures.every((f) => f.code === first.code)) {
      throw new GridInputError(first.code, 'The optimisation problem cannot be assembled', this.failures.flatMap((f) => f.issues));
    }
    const issues = this.failures.flatMap((f) => f.issues.map((i) => ({ ...i, message: `[${f.code}] ${i.message}` })));
    throw new GridInputError('V2G_ERR_ASSEMBLY_INPUT', 'The optimisation problem cannot be assembled', issues);
  }
}

function siteIssues(site: SiteDescription): GridIssue[] {
  const issues: GridIssue[] = [];
  if (!isKnownZone(site.zone)) issues.push({ path: '/site/zone', message: `"${String(site.zone)}" is not an IANA time zone name` });
  if (typeof site.currency !== 'string' || !/^[A-Z]{3}$/.test(site.currency)) {
    issues.push({ path: '/site/currency', message: `"${String(site.currency)}" is not an ISO 4217 currency code` });
  }
  const slot = slotMinutesIssue(site.slotMinutes, '/site/slotMinutes');
  if (slot) issues.push(slot);
  const p = site.shortfallPenaltyPerKwh;
  if (p !== undefined && !(Number.isFinite(p) && p > 0)) issues.push({ path: '/site/shortfallPenaltyPerKwh', message: `${p} is not a positive price` });
  return issues;
}

/** Site-limit issues located in the assembly input: capacity limits are signals, the rest is the site. */
function withLimitPaths<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof GridInputError)) throw e;
    const issues = e.issues.map((i) => ({ ...i, path: `${i.path?.startsWith('/capacityLimits') ? '/signals' : '/site'}${i.path ?? ''}` }));
    throw new GridInputError(e.code, 'The site limits are not usable', issues);
  }
}

function nonNegativeIssues(values: readonly number[], path: string): GridIssue[] {
  return values.flatMap((v, t) => (v < 0 ? [{ path: `${path}/slots/${t}`, message: `${v} kW is negative; give load and PV as separate, non-negative series` }] : []));
}

/**
 * Builds the `Problem` for a site over a horizon. Throws a coded `GridInputError` listing every bad input.
 */
export function assembleProblem(input: AssemblyInput): AssembledProblem {
  const c = new Collector();
  const isObject = (x: unknown): boolean => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObject(input.site)) c.fail('V2G_ERR_SITE_INPUT', [{ path: '/site', message: 'is required: zone, currency, slotMinutes and connectionImportKw' }]);
  if (!isObject(input.signals)) c.fail('V2G_ERR_SIGNAL_GAP', [{ path: '/signals', message: 'is required, with at least importPrice' }]);
  else if (input.signals.importPrice === undefined) c.fail('V2G_ERR_SIGNAL_GAP', [{ path: '/signals/importPrice', message: 'is required: every slot needs an import price' }]);
  if (!Array.isArray(input.vehicles)) c.fail('V2G_ERR_VEHICLE_INPUT', [{ path: '/vehicles', message: 'must be an array (empty when no vehicle is plugged in or expected)' }]);
  c.throwIfAny();
  const { site, signals } = input;
  c.fail('V2G_ERR_SITE_INPUT', siteIssues(site));
  const startMs = c.attempt('', () => toUtcMs(input.horizonStart, '/horizonStart', site.localTimePolicy));
  const endMs = c.attempt('', () => toUtcMs(input.horizonEnd, '/horizonEnd', site.localTimePolicy));
  c.throwIfAny();

  const slotMs = site.slotMinutes * 60_000;
  const start = alignToSlotStart(startMs!, site.slotMinutes, site.zone);
  const slots = Math.ceil((endMs! - start) / slotMs);
  if (!(slots >= 1 && slots <= maxSlotCount)) {
    throw new GridInputError('V2G_ERR_SLOT_GRID', 'The horizon is not usable', [
      { path: '/horizonEnd', message: slots < 1 ? 'the horizon ends at or before its start' : `the horizon has ${slots} slots, more than ${maxSlotCount}` },
    ]);
  }
  const grid = createSlotGrid({ start, end: start + slots * slotMs, slotMinutes: site.slotMinutes, zone: site.zone });

  const placed = c.attempt('/vehicles', () => vehiclesOnGrid(grid, input.vehicles, site.localTimePolicy));
  const gapPolicy = signals.gapPolicy ?? { kind: 'error' as const };
  const priceUnit = `${site.currency}/kWh`;
  const resample = (series: SignalSeries | undefined, toUnit: string, path: string, what: string) =>
    series === undefined ? undefined : c.attempt(path, () => resampleToGrid(series, grid, { toUnit, gapPolicy, what }));

  const market = resample(signals.importPrice, priceUnit, '/signals/importPrice', 'The import price');
  const exportPrice = resample(signals.exportPrice, priceUnit, '/signals/exportPrice', 'The export price');
  const baseLoad = resample(signals.baseLoad, 'kW', '/signals/baseLoad', 'The base load');
  const pv = resample(signals.pv, 'kW', '/signals/pv', 'The PV generation');
  if (baseLoad) c.fail('V2G_ERR_SIGNAL_VALUE', nonNegativeIssues(baseLoad, '/signals/baseLoad'));
  if (pv) c.fail('V2G_ERR_SIGNAL_VALUE', nonNegativeIssues(pv, '/signals/pv'));
  const terms: PriceTerm[] = [];
  (signals.importPriceTerms ?? []).forEach((t, i) => {
    if (t.kind !== 'per-kwh-series') {
      terms.push(t);
      return;
    }
    const values = resample(t.series, priceUnit, `/signals/importPriceTerms/${i}`, `The price term "${t.name}"`);
    if (values) terms.push({ name: t.name, kind: 'per-kwh', pricePerKwh: values });
  });
  const importPrice = market && c.attempt('/signals/importPriceTerms', () => composePrice(market, terms));
  const limits = c.attempt('', () =>
    withLimitPaths(() => siteLimitsPerSlot(grid, {
      connectionImportKw: site.connectionImportKw,
      ...(site.connectionExportKw !== undefined ? { connectionExportKw: site.connectionExportKw } : {}),
      ...(site.transformerRatingKw !== undefined ? { transformerRatingKw: site.transformerRatingKw } : {}),
      ...(signals.capacityLimits !== undefined ? { capacityLimits: signals.capacityLimits } : {}),
    })),
  );
  const dc = signals.demandCharge;
  if (dc !== undefined) {
    const ok = Number.isFinite(dc.pricePerKw) && dc.pricePerKw >= 0 &&
      Number.isSafeInteger(dc.billingPeriodStartUtcMs) && Number.isSafeInteger(dc.billingPeriodEndUtcMs) && dc.billingPeriodEndUtcMs > dc.billingPeriodStartUtcMs &&
      (dc.previousPeakKw === undefined || (Number.isFinite(dc.previousPeakKw) && dc.previousPeakKw >= 0));
    if (!ok) c.fail('V2G_ERR_SITE_INPUT', [{ path: '/signals/demandCharge', message: 'needs a non-negative pricePerKw and previousPeakKw and a billing period of integer epoch ms with start < end' }]);
  }
  c.throwIfAny();
  // No failure was recorded, so every attempted part is defined.
  const p = importPrice!;
  const l = limits!;
  const v = placed!;

  const problem: Problem = {
    ...(site.name !== undefined ? { name: site.name } : {}),
    currency: site.currency,
    slotCount: grid.slotCount,
    slotHours: grid.slotMs / 3_600_000,
    importPricePerKwh: [...p.totalPerKwh],
    ...(exportPrice ? { exportPricePerKwh: exportPrice } : {}),
    importLimitKw: l.importLimits.map((x) => x.limitKw),
    exportLimitKw: l.exportLimits.map((x) => x.limitKw),
    ...(baseLoad ? { baseLoadKw: baseLoad } : {}),
    ...(pv ? { pvKw: pv } : {}),
    ...(dc
      ? {
          demandCharge: {
            pricePerKw: dc.pricePerKw,
            ...(dc.previousPeakKw !== undefined ? { previousPeakKw: dc.previousPeakKw } : {}),
            appliesToSlot: Array.from({ length: grid.slotCount }, (_, t) => {
              const s = grid.startUtcMs + t * grid.slotMs;
              return s >= dc.billingPeriodStartUtcMs && s < dc.billingPeriodEndUtcMs;
            }),
          },
        }
      : {}),
    ...(site.shortfallPenaltyPerKwh !== undefined ? { shortfallPenaltyPerKwh: site.shortfallPenaltyPerKwh } : {}),
    ...(site.network !== undefined ? { network: problemNetwork(site.network) } : {}),
    vehicles: v.vehicles,
  };
  const checked = validateProblem(problem);
  if (!checked.ok) {
    throw new GridInputError('V2G_ERR_PROBLEM_INVALID', 'The assembled problem does not pass validateProblem', checked.issues.map((i) => ({ path: i.path, message: i.message })));
  }
  return { problem: checked.problem, grid, droppedVehicles: v.dropped, importPrice: p, limits: l };
}
