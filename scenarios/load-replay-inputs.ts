/**
 * From a validated scenario and the texts of its data files (read by the caller, keyed by the scenario's
 * data paths) to `ReplayInputs`. No I/O: the adapter reads the files and passes their texts.
 *
 * Errors: a missing text is `V2G_ERR_SCENARIO_DATA_MISSING` naming the scenario field; a bad data file keeps
 * its parser's code (`V2G_ERR_SCENARIO_DATA`, or grid's `V2G_ERR_CSV_FORMAT`, `V2G_ERR_TARIFF_FORMAT`, ...)
 * with paths prefixed by the scenario field; a period the data does not cover is `V2G_ERR_SCENARIO_PERIOD`.
 */
import { parseCsvSeries } from '../grid/csv-series.ts';
import { parseEntsoeA44 } from '../grid/entsoe-a44.ts';
import { GridInputError, prefixIssues } from '../grid/errors.ts';
import { rfc3339ToUtcMs } from '../grid/instant.ts';
import { maxSlotCount, type SiteDescription } from '../grid/problem-assembly.ts';
import { findGaps, utcText, type SignalSeries } from '../grid/signal-series.ts';
import { alignToSlotStart } from '../grid/slot-grid.ts';
import { parseTouTariff } from '../grid/tariff.ts';
import { tariffPriceSeries } from '../grid/tariff-prices.ts';
import { parseAcnSessions } from './acn-sessions.ts';
import { fixedBilling, tariffBilling, type BillingRule } from './billing-periods.ts';
import { cityLearnSeries } from './citylearn-load.ts';
import { ScenarioError } from './errors.ts';
import { applyAssumptions } from './fleet-assumptions.ts';
import { generatedLoad, generatedPrices } from './generated-signals.ts';
import { arrivalHistoryDays, type ArrivalHistory, type PhysicsModel, type ReplayInputs } from './replay-inputs.ts';
import type { SourceSession } from './replay-session.ts';
import { generateSessions } from './session-generator.ts';
import { alignSession } from './session-time-alignment.ts';
import { matchChargers } from './site-chargers.ts';
import type { LoadSource, Scenario } from './scenario-schema.ts';

const dayMs = 86_400_000;

/** Options that override the scenario file (the CLI's flags). */
export interface InputOverrides {
  readonly seed?: number;
}

/** Runs `fn`; a grid error gets its paths prefixed with the scenario field that named the data. */
function atField<T>(pointer: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GridInputError) throw new GridInputError(e.code, `${what} (${pointer})`, prefixIssues(pointer, e.issues));
    throw e;
  }
}

function textOf(texts: ReadonlyMap<string, string>, pointer: string, path: string): string {
  const text = texts.get(path);
  if (text === undefined) {
    throw new ScenarioError('V2G_ERR_SCENARIO_DATA_MISSING', 'A data file of the scenario was not provided', [
      { path: pointer, message: `"${path}" was not found in the data directory (set V2G_DATA_DIR)` },
    ]);
  }
  return text;
}

/** The intervals of `series` overlapping [fromUtcMs, toUtcMs). */
function slice(series: SignalSeries, fromUtcMs: number, toUtcMs: number): SignalSeries {
  return { unit: series.unit, intervals: series.intervals.filter((iv) => iv.endUtcMs > fromUtcMs && iv.startUtcMs < toUtcMs) };
}

function requireCoverage(series: SignalSeries, fromUtcMs: number, toUtcMs: number, pointer: string, what: string): void {
  const gaps = findGaps(series, fromUtcMs, toUtcMs);
  if (gaps.length > 0) {
    throw new ScenarioError('V2G_ERR_SCENARIO_PERIOD', `${what} does not cover the replay (period, every session's stay and one horizon)`, gaps.slice(0, 5).map((g) => ({
      path: pointer,
      message: `no value from ${utcText(g.startUtcMs)} to ${utcText(g.endUtcMs)}`,
    })));
  }
}

function sourceSessions(s: Scenario, texts: ReadonlyMap<string, string>, seed: number, fromUtcMs: number, toUtcMs: number, requireSome = true): SourceSession[] {
  const src = s.data.sessions;
  let all: SourceSession[];
  if (src.kind === 'generated') {
    all = generateSessions({ seed, zone: s.site.zone, fromUtcMs, toUtcMs, sessionsPerDay: src.sessionsPerDay, chargerIds: src.chargerIds });
  } else {
    all = parseAcnSessions(textOf(texts, '/data/sessions/path', src.path), src.chargerColumn, src.path);
    if (src.timeAlignment) all = all.map((x) => alignSession(x, src.timeAlignment!, s.site.zone));
  }
  const inPeriod = all
    .filter((x) => x.arrivalUtcMs >= fromUtcMs && x.arrivalUtcMs < toUtcMs)
    .sort((a, b) => a.arrivalUtcMs - b.arrivalUtcMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (requireSome && src.kind === 'acn-csv' && inPeriod.length === 0) throw sessionsDoNotCover(all, src.path, fromUtcMs, toUtcMs);
  return inPeriod;
}

/**
 * The sessions of the `arrivalHistoryDays` days before the period (the arrival forecast's training data,
 * arrival-forecast.ts): the same data, chargers and assumptions, never a session arriving in the period.
 */
function arrivalHistory(s: Scenario, texts: ReadonlyMap<string, string>, seed: number, periodStartUtcMs: number): ArrivalHistory {
  const fromUtcMs = periodStartUtcMs - arrivalHistoryDays * dayMs;
  const match = matchChargers(s, sourceSessions(s, texts, seed, fromUtcMs, periodStartUtcMs, false));
  return { fromUtcMs, toUtcMs: periodStartUtcMs, sessions: match.matched.map(({ session, charger }) => applyAssumptions(session, charger, s.assumptions, seed)) };
}

/** A sessions file none of whose sessions arrive in the period: `V2G_ERR_SCENARIO_PERIOD`, with the file's range. */
function sessionsDoNotCover(all: readonly SourceSession[], path: string, fromUtcMs: number, toUtcMs: number): ScenarioError {
  const arrivals = all.map((x) => x.arrivalUtcMs);
  const range = arrivals.length > 0
    ? `its sessions arrive from ${utcText(Math.min(...arrivals))} to ${utcText(Math.max(...arrivals))} (after any time alignment)`
    : 'it holds no session';
  return new ScenarioError('V2G_ERR_SCENARIO_PERIOD', 'No session of the data arrives in the period', [
    { path: '/period', message: `no session of ${path} arrives from ${utcText(fromUtcMs)} to ${utcText(toUtcMs)}; ${range}` },
  ]);
}

function loadSeries(source: LoadSource, column: 'load' | 'pv', pointer: string, s: Scenario, texts: ReadonlyMap<string, string>, seed: number, fromUtcMs: number, toUtcMs: number): SignalSeries {
  if (source.kind === 'generated') return generatedLoad(seed + (column === 'pv' ? 1 : 0), s.site.zone, source.meanKw, fromUtcMs, toUtcMs);
  const text = textOf(texts, `${pointer}/path`, source.path);
  return atField(pointer, `The ${column} could not be read`, () =>
    cityLearnSeries(text, { column, homes: source.homes, scaleFactor: source.scaleFactor, zone: s.site.zone, fromUtcMs, toUtcMs }, source.path));
}

function marketPrices(s: Scenario, texts: ReadonlyMap<string, string>, seed: number, fromUtcMs: number, toUtcMs: number): { series: SignalSeries; billing?: BillingRule } {
  const p = s.data.prices;
  const pointer = '/data/prices';
  switch (p.kind) {
    case 'generated':
      return { series: generatedPrices(seed, s.site.zone, s.site.currency, fromUtcMs, toUtcMs) };
    case 'tou-tariff': {
      const text = textOf(texts, `${pointer}/path`, p.path);
      return atField(pointer, 'The tariff could not be read', () => {
        const { tariff } = parseTouTariff(text, {
          currency: s.site.currency,
          zone: s.site.zone,
          ...(p.overlapPolicy ? { overlapPolicy: p.overlapPolicy } : {}),
          ...(p.dowMaskOverrides ? { dowMaskOverrides: p.dowMaskOverrides } : {}),
        });
        return { series: tariffPriceSeries(tariff, fromUtcMs, toUtcMs), ...(p.useDemandCharge ? { billing: tariffBilling(tariff) } : {}) };
      });
    }
    case 'csv': {
      const text = textOf(texts, `${pointer}/path`, p.path);
      return { series: slice(atField(pointer, 'The price CSV could not be read', () => parseCsvSeries(text, { startColumn: p.startColumn, valueColumn: p.valueColumn, resolution: p.resolution })), fromUtcMs, toUtcMs) };
    }
    case 'entsoe-xml': {
      const text = textOf(texts, `${pointer}/path`, p.path);
      return { series: slice(atField(pointer, 'The ENTSO-E prices could not be read', () => parseEntsoeA44(text)), fromUtcMs, toUtcMs) };
    }
  }
}

function physicsModel(s: Scenario): PhysicsModel {
  return {
    chargeEfficiency: s.physics.chargeEfficiency ?? s.assumptions.chargeEfficiency,
    dischargeEfficiency: s.physics.dischargeEfficiency ?? s.assumptions.dischargeEfficiency,
    taperStartSoc: s.physics.taperStartSocPct / 100,
    taperEndPowerFraction: s.physics.taperEndPowerPct / 100,
    substepsPerSlot: s.slotMinutes / s.physics.substepMinutes,
  };
}

/**
 * A scenario whose chargers match none of the sessions arriving in its period is `V2G_ERR_SCENARIO_CHARGERS`
 * (not a run that reports 100 % delivered on 0 sessions): the issue names a few ids on both sides and the
 * column the sessions were matched by.
 */
function requireSomeChargerMatch(s: Scenario, sourceCount: number, match: ReturnType<typeof matchChargers>): void {
  if (sourceCount === 0 || match.matched.length > 0) return;
  const unknown = match.excluded.filter((e) => e.reason === 'unknown-charger');
  if (unknown.length === 0) return;
  const few = (ids: readonly string[]) => {
    const unique = [...new Set(ids)].sort();
    return `${unique.slice(0, 5).join(', ')}${unique.length > 5 ? ` and ${unique.length - 5} more` : ''}`;
  };
  const column = s.data.sessions.kind === 'acn-csv' ? ` (matched by the column ${s.data.sessions.chargerColumn ?? 'its default'})` : '';
  throw new ScenarioError('V2G_ERR_SCENARIO_CHARGERS', "The scenario's chargers match none of its sessions", [
    {
      path: '/site/chargers',
      message: `none of the ${sourceCount} session(s) arriving in the period is at a charger of the scenario${column}: the sessions use ${few(unknown.map((e) => e.chargerId))}; the scenario has ${few(s.site.chargers.flatMap((g) => g.ids))}`,
    },
  ]);
}

/**
 * Loads a scenario's sessions and signals. `texts` maps each data path the scenario names
 * (`scenarioDataFiles`) to the file's text.
 */
export function loadReplayInputs(scenario: Scenario, texts: ReadonlyMap<string, string>, overrides: InputOverrides = {}): ReplayInputs {
  const s = scenario;
  const seed = overrides.seed ?? s.assumptions.seed;
  const slotMs = s.slotMinutes * 60_000;
  const horizonMs = s.horizonHours * 3_600_000;
  const periodStartUtcMs = alignToSlotStart(rfc3339ToUtcMs(s.period.start, '/period/start'), s.slotMinutes, s.site.zone);
  const periodEndUtcMs = rfc3339ToUtcMs(s.period.end, '/period/end');

  const source = sourceSessions(s, texts, seed, periodStartUtcMs, periodEndUtcMs);
  const match = matchChargers(s, source);
  requireSomeChargerMatch(s, source.length, match);
  const sessions = match.matched.map(({ session, charger }) => applyAssumptions(session, charger, s.assumptions, seed));
  const lastDeparture = Math.max(periodEndUtcMs, ...sessions.map((x) => x.departureUtcMs));
  const simulationEndUtcMs = periodStartUtcMs + Math.ceil((lastDeparture - periodStartUtcMs) / slotMs) * slotMs;
  const slots = (simulationEndUtcMs - periodStartUtcMs) / slotMs;
  if (slots > maxSlotCount) {
    throw new ScenarioError('V2G_ERR_SCENARIO_PERIOD', 'The replay is too long for one offline solve', [
      { path: '/period', message: `${slots} slots of ${s.slotMinutes} min (until the last session leaves), more than ${maxSlotCount}` },
    ]);
  }

  const fromUtcMs = periodStartUtcMs - dayMs;
  const toUtcMs = simulationEndUtcMs + horizonMs + dayMs;
  const coverTo = simulationEndUtcMs + horizonMs;
  const market = marketPrices(s, texts, seed, fromUtcMs, toUtcMs);
  requireCoverage(market.series, periodStartUtcMs, coverTo, '/data/prices', 'The price');
  const baseLoad = s.data.baseLoad && loadSeries(s.data.baseLoad, 'load', '/data/baseLoad', s, texts, seed, fromUtcMs, toUtcMs);
  const pv = s.data.pv && loadSeries(s.data.pv, 'pv', '/data/pv', s, texts, seed, fromUtcMs, toUtcMs);
  const billing = market.billing ?? (s.data.demandCharge ? fixedBilling(s.data.demandCharge.pricePerKw, s.site.zone) : undefined);

  const site: SiteDescription = {
    name: s.site.name,
    zone: s.site.zone,
    currency: s.site.currency,
    slotMinutes: s.slotMinutes,
    connectionImportKw: s.site.connectionImportKw,
    ...(s.site.connectionExportKw !== undefined ? { connectionExportKw: s.site.connectionExportKw } : {}),
    ...(s.site.transformerRatingKw !== undefined ? { transformerRatingKw: s.site.transformerRatingKw } : {}),
    ...(s.site.shortfallPenaltyPerKwh !== undefined ? { shortfallPenaltyPerKwh: s.site.shortfallPenaltyPerKwh } : {}),
    ...(s.site.network !== undefined ? { network: s.site.network } : {}),
    localTimePolicy: { nonexistent: 'gap-end', ambiguous: 'earlier' },
  };
  const notes: string[] = [];
  const byReason = new Map<string, Set<string>>();
  for (const e of match.excluded) byReason.set(e.reason, (byReason.get(e.reason) ?? new Set()).add(e.chargerId));
  for (const [reason, chargers] of byReason) {
    const n = match.excluded.filter((e) => e.reason === reason).length;
    notes.push(`${n} session(s) left out (${reason}) at charger(s) ${[...chargers].join(', ')}`);
  }
  if (match.autoCreated.length > 0) notes.push(`charger(s) created by the auto-create rule: ${match.autoCreated.join(', ')}`);
  const raised = sessions.filter((x) => x.capacityRaised).length;
  if (raised > 0) notes.push(`${raised} session(s) got a larger battery than drawn (demand above maxTargetSocPct)`);
  const noDeclared = sessions.filter((x) => x.declaredFromActual).length;
  if (noDeclared > 0 && s.controller.departure === 'declared') notes.push(`${noDeclared} session(s) had no declared departure: the actual one stands in`);

  return {
    scenario: s,
    seed,
    site,
    slotMinutes: s.slotMinutes,
    horizonHours: s.horizonHours,
    periodStartUtcMs,
    periodEndUtcMs,
    simulationEndUtcMs,
    sessions,
    arrivalHistory: arrivalHistory(s, texts, seed, periodStartUtcMs),
    excluded: match.excluded,
    autoCreatedChargers: match.autoCreated,
    marketPrice: market.series,
    importPriceTerms: s.data.importPriceTerms ?? [],
    ...(s.data.exportPrice ? { exportPrice: s.data.exportPrice } : {}),
    ...(baseLoad ? { baseLoad } : {}),
    ...(pv ? { pv } : {}),
    ...(billing ? { billing } : {}),
    previousPeakKw: s.data.demandCharge?.previousPeakKw ?? 0,
    priceVisibility: s.data.priceVisibility ?? { kind: 'perfect' },
    controller: s.controller,
    assumptions: s.assumptions,
    physics: physicsModel(s),
    notes,
  };
}
