/**
 * OpenADR 3 events (JSON, OpenADR 3.0.1 `event` schema) to price series and capacity limits (pure).
 *
 * Reads:
 *   id, programID, eventName, priority                     identification (priority is passed through)
 *   intervalPeriod {start, duration, randomizeStart}       default period of the intervals
 *   intervals[] {id, intervalPeriod?, payloads[{type, values}]}
 *   payloadDescriptors[] {payloadType, units, currency}    units: KWH (price per kWh), MWH, KW
 * Writes: PRICE -> `importPrice` series, EXPORT_PRICE -> `exportPrice` series (CUR/kWh or CUR/MWh),
 *   IMPORT_CAPACITY_LIMIT / EXPORT_CAPACITY_LIMIT -> `capacityLimits` (kW).
 *
 * Rules:
 * - An interval with its own `intervalPeriod` uses its start and its duration (or the event's duration).
 *   Intervals without one follow each other from the event's `intervalPeriod.start` in array order, each
 *   lasting the event's duration (the "continuous" form). Interval ids are not sequence numbers.
 * - A duration of PT0S (the default) or P9999Y (the specification's "infinity") means "open-ended" for these
 *   payload types; it is an error unless the caller gives `openEndedUntilUtcMs`, where such intervals then end.
 * - A start of `0001-01-01` (the specification's "now") is an error: this parser has no clock.
 * - `randomizeStart` must be a duration when present, and is otherwise ignored: planning uses the nominal start.
 * - Units come from the event's payloadDescriptors, else from `programDescriptors` (the program's); a
 *   price without currency or unit, or a unit outside the table, is an error.
 * - Other payload types (SIMPLE, GHG, DISPATCH_SETPOINT, ...) are reported in `unsupported` with their path
 *   (or are an error with `onUnsupported: 'error'`), never dropped silently.
 */
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { GridInputError, type GridIssue } from './errors.ts';
import { parseRfc3339 } from './instant.ts';
import { parseDurationMs } from './iso-duration.ts';
import { parseJsonText } from './json-text.ts';
import { schemaIssues } from '../optimizer/schema-issues.ts';
import { createSignalSeries, type SeriesInterval, type SignalSeries } from './signal-series.ts';
import type { CapacityLimit } from './site-limits.ts';
import { conversionFactor } from './units.ts';

const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

const IntervalPeriodSchema = Type.Object({
  start: Type.String(),
  duration: Nullable(Type.String()),
  randomizeStart: Nullable(Type.String()),
});

const PayloadDescriptorSchema = Type.Object({
  objectType: Type.Optional(Type.String()),
  payloadType: Type.String({ minLength: 1 }),
  units: Nullable(Type.String()),
  currency: Nullable(Type.String()),
});

/** The fields of an OpenADR 3 event this parser reads; other fields are allowed and ignored. */
export const OpenAdr3EventSchema = Type.Object({
  id: Type.Optional(Type.String()),
  programID: Type.String({ minLength: 1 }),
  eventName: Nullable(Type.String()),
  priority: Nullable(Type.Integer({ minimum: 0 })),
  payloadDescriptors: Nullable(Type.Array(PayloadDescriptorSchema)),
  intervalPeriod: Nullable(IntervalPeriodSchema),
  intervals: Type.Array(
    Type.Object({
      id: Type.Integer(),
      intervalPeriod: Nullable(IntervalPeriodSchema),
      payloads: Type.Array(Type.Object({ type: Type.String({ minLength: 1 }), values: Type.Array(Type.Unknown()) })),
    }),
  ),
});

const compiled = Compile(OpenAdr3EventSchema);

/** A payload descriptor given outside the event (e.g. the program's). */
export interface PayloadDescriptor {
  readonly payloadType: string;
  readonly units?: string | null;
  readonly currency?: string | null;
}

export interface OpenAdr3Options {
  /** Descriptors of the program, used where the event has none for a payload type. */
  readonly programDescriptors?: readonly PayloadDescriptor[];
  /** End of open-ended (PT0S) intervals; without it they are an error. */
  readonly openEndedUntilUtcMs?: number;
  /** `report` (default): list unsupported payload types in `unsupported`; `error`: throw. */
  readonly onUnsupported?: 'report' | 'error';
}

/** What an event says, in grid/ terms. */
export interface OpenAdr3EventSignals {
  readonly eventId?: string;
  readonly programId: string;
  readonly eventName?: string;
  /** Lower number = higher priority (passed through, not applied). */
  readonly priority?: number;
  /** PRICE payloads, when the event has any. */
  readonly importPrice?: SignalSeries;
  /** EXPORT_PRICE payloads, when the event has any. */
  readonly exportPrice?: SignalSeries;
  /** IMPORT_/EXPORT_CAPACITY_LIMIT payloads, in kW, source `openadr3:<event id or program id>/interval <id>`. */
  readonly capacityLimits: readonly CapacityLimit[];
  /** Payloads of unsupported types, each with its path and type. */
  readonly unsupported: readonly GridIssue[];
}

/** The specification's duration for "infinity". */
const infiniteDuration = 'P9999Y';
/** The specification's start for "now" (`0001-01-01`, with or without a time). */
const nowStart = /^0001-01-01(?:$|[Tt ])/;

const supported = new Set(['PRICE', 'EXPORT_PRICE', 'IMPORT_CAPACITY_LIMIT', 'EXPORT_CAPACITY_LIMIT']);
const priceUnits: Record<string, string> = { KWH: 'kWh', MWH: 'MWh' };
const powerUnits: Record<string, string> = { KW: 'kW', W: 'W', MW: 'MW' };

function unitFor(type: string, descriptors: readonly PayloadDescriptor[], issues: GridIssue[]): string | undefined {
  const d = descriptors.find((x) => x.payloadType === type);
  const at = '/payloadDescriptors';
  if (type === 'PRICE' || type === 'EXPORT_PRICE') {
    const per = d?.units ? priceUnits[d.units] : undefined;
    if (!d?.currency || !/^[A-Z]{3}$/.test(d.currency) || per === undefined) {
      issues.push({ path: at, message: `${type} needs a payloadDescriptor with an ISO 4217 currency and units KWH or MWH (found ${d ? `units ${String(d.units)}, currency ${String(d.currency)}` : 'none'})` });
      return undefined;
    }
    return `${d.currency}/${per}`;
  }
  const unit = d?.units ? powerUnits[d.units] : undefined;
  if (unit === undefined) {
    issues.push({ path: at, message: `${type} needs a payloadDescriptor with units KW (found ${d ? `units ${String(d.units)}` : 'none'})` });
  }
  return unit;
}

/** Parses the JSON text of one OpenADR 3 event. See `readOpenAdr3Event`. */
export function parseOpenAdr3Event(text: string, options: OpenAdr3Options = {}): OpenAdr3EventSignals {
  return readOpenAdr3Event(parseJsonText(text, 'V2G_ERR_OPENADR_FORMAT', 'The OpenADR 3 event is not JSON'), options);
}

/**
 * Reads one OpenADR 3 event object. Throws `V2G_ERR_OPENADR_FORMAT` (every problem with its JSON Pointer),
 * `V2G_ERR_UNKNOWN_UNIT`, `V2G_ERR_SIGNAL_OVERLAP`, or `V2G_ERR_OPENADR_UNSUPPORTED_PAYLOAD` when asked to.
 */
export function readOpenAdr3Event(value: unknown, options: OpenAdr3Options = {}): OpenAdr3EventSignals {
  if (!compiled.Check(value)) {
    throw new GridInputError('V2G_ERR_OPENADR_FORMAT', 'The OpenADR 3 event is malformed', schemaIssues(compiled, value));
  }
  const event = value;
  const issues: GridIssue[] = [];
  const unitIssues: GridIssue[] = [];
  const unsupported: GridIssue[] = [];
  const descriptors = [...(event.payloadDescriptors ?? []), ...(options.programDescriptors ?? [])];
  const source = `openadr3:${event.id ?? event.programID}`;

  /** A period's start and duration; `bad` when either could not be read (the issue is recorded). */
  const period = (p: { start: string; duration?: string | null; randomizeStart?: string | null } | null | undefined, at: string) => {
    if (!p) return undefined;
    const before = issues.length;
    const start = nowStart.test(p.start)
      ? { ok: false as const, message: `"${p.start}" means "now" in OpenADR 3; this parser has no clock: give the actual start` }
      : parseRfc3339(p.start);
    if (!start.ok) issues.push({ path: `${at}/start`, message: start.message });
    // P9999Y is the specification's "infinity": open-ended, like PT0S for these payload types.
    const d = p.duration == null ? undefined : p.duration === infiniteDuration ? { ok: true as const, ms: 0 } : parseDurationMs(p.duration);
    if (d && !d.ok) issues.push({ path: `${at}/duration`, message: d.message });
    const r = p.randomizeStart == null ? undefined : parseDurationMs(p.randomizeStart);
    if (r && !r.ok) issues.push({ path: `${at}/randomizeStart`, message: r.message });
    return {
      startUtcMs: start.ok ? start.utcMs : undefined,
      durationMs: d?.ok ? d.ms : undefined,
      bad: issues.length > before,
    };
  };
  const eventPeriod = period(event.intervalPeriod, '/intervalPeriod');

  const prices: Record<'PRICE' | 'EXPORT_PRICE', { ivs: SeriesInterval[]; paths: string[] }> = {
    PRICE: { ivs: [], paths: [] },
    EXPORT_PRICE: { ivs: [], paths: [] },
  };
  const limits: { limit: CapacityLimit; unit: string }[] = [];
  const units = new Map<string, string | undefined>();
  let continuous = 0;

  event.intervals.forEach((interval, i) => {
    const at = `/intervals/${i}`;
    const own = period(interval.intervalPeriod, `${at}/intervalPeriod`);
    let startUtcMs: number | undefined;
    let durationMs: number | undefined;
    if (own) {
      if (own.bad || (own.durationMs === undefined && eventPeriod?.bad)) return;
      startUtcMs = own.startUtcMs;
      durationMs = own.durationMs ?? eventPeriod?.durationMs ?? 0;
    } else if (eventPeriod) {
      if (eventPeriod.bad) return;
      // Continuous form: the k-th interval without its own period starts k durations after the event start.
      durationMs = eventPeriod.durationMs ?? 0;
      if (durationMs === 0 && continuous > 0) {
        issues.push({ path: at, message: 'follows another interval in an open-ended (PT0S or P9999Y) event period' });
        return;
      }
      if (eventPeriod.startUtcMs !== undefined) startUtcMs = eventPeriod.startUtcMs + continuous * durationMs;
      continuous++;
    } else {
      issues.push({ path: at, message: 'has no intervalPeriod and the event has none either' });
      return;
    }
    if (startUtcMs === undefined || durationMs === undefined) return;
    let endUtcMs = startUtcMs + durationMs;
    if (durationMs === 0) {
      const until = options.openEndedUntilUtcMs;
      if (until === undefined || !Number.isSafeInteger(until) || until <= startUtcMs) {
        issues.push({ path: at, message: `is open-ended (duration PT0S or P9999Y); give a duration, or openEndedUntilUtcMs (integer epoch ms) after its start${until === undefined ? '' : ` (got ${until})`}` });
        return;
      }
      endUtcMs = until;
    }
    interval.payloads.forEach((payload, j) => {
      const pAt = `${at}/payloads/${j}`;
      if (!supported.has(payload.type)) {
        unsupported.push({ path: `${pAt}/type`, message: `payload type ${payload.type} is not supported (PRICE, EXPORT_PRICE, IMPORT_CAPACITY_LIMIT, EXPORT_CAPACITY_LIMIT)` });
        return;
      }
      const v = payload.values[0];
      if (payload.values.length !== 1 || typeof v !== 'number' || !Number.isFinite(v)) {
        issues.push({ path: `${pAt}/values`, message: `${payload.type} needs exactly one finite number, got ${JSON.stringify(payload.values)}` });
        return;
      }
      if (!units.has(payload.type)) units.set(payload.type, unitFor(payload.type, descriptors, unitIssues));
      const unit = units.get(payload.type);
      if (unit === undefined) return;
      if (payload.type === 'PRICE' || payload.type === 'EXPORT_PRICE') {
        prices[payload.type].ivs.push({ startUtcMs: startUtcMs!, endUtcMs, value: v });
        prices[payload.type].paths.push(pAt);
        return;
      }
      if (v < 0) {
        issues.push({ path: `${pAt}/values/0`, message: `a capacity limit cannot be negative (${v})` });
        return;
      }
      const direction = payload.type === 'IMPORT_CAPACITY_LIMIT' ? 'import' : 'export';
      limits.push({ unit, limit: { source: `${source}/interval ${interval.id}`, direction, startUtcMs: startUtcMs!, endUtcMs, limitKw: v } });
    });
  });
  if (issues.length > 0) throw new GridInputError('V2G_ERR_OPENADR_FORMAT', 'The OpenADR 3 event could not be read', issues);
  if (unitIssues.length > 0) throw new GridInputError('V2G_ERR_UNKNOWN_UNIT', 'The OpenADR 3 event has payloads without usable units', unitIssues);
  if (unsupported.length > 0 && options.onUnsupported === 'error') {
    throw new GridInputError('V2G_ERR_OPENADR_UNSUPPORTED_PAYLOAD', 'The OpenADR 3 event has unsupported payloads', unsupported);
  }
  const series = (type: 'PRICE' | 'EXPORT_PRICE'): SignalSeries | undefined => {
    const { ivs, paths } = prices[type];
    const unit = units.get(type);
    if (ivs.length === 0 || unit === undefined) return undefined;
    return createSignalSeries(unit, ivs, { locate: (k) => ({ path: paths[k] ?? '' }), what: `The OpenADR ${type} series` });
  };
  const importPrice = series('PRICE');
  const exportPrice = series('EXPORT_PRICE');
  return {
    ...(event.id !== undefined ? { eventId: event.id } : {}),
    programId: event.programID,
    ...(event.eventName != null ? { eventName: event.eventName } : {}),
    ...(event.priority != null ? { priority: event.priority } : {}),
    ...(importPrice ? { importPrice } : {}),
    ...(exportPrice ? { exportPrice } : {}),
    capacityLimits: limits.map(({ unit, limit }) => ({ ...limit, limitKw: limit.limitKw * conversionFactor(unit, 'kW') })),
    unsupported,
  };
}
