/** Signals on the wire: JSON series, CSV, ENTSO-E A44 XML, OpenADR 3 events. */
import { Type, type Static } from 'typebox';
import { FieldIssueSchema, Id, Instant, JobLinkSchema } from './common.ts';
import { csvQueryExamples } from './request-examples.ts';

export const SignalKindSchema = Type.Union(
  [Type.Literal('import-price'), Type.Literal('export-price'), Type.Literal('base-load'), Type.Literal('pv'), Type.Literal('site-meter')],
  {
    description:
      'prices in the site currency (any price unit, e.g. EUR/MWh); base load and PV in power (kW, W, MW) or energy per interval (kWh); site-meter: metered net import at the connection point (negative = export), power or energy per interval, for measured delivery (M&V)',
  },
);

export const SignalParams = Type.Object({ siteId: Id('site id'), kind: SignalKindSchema }, { additionalProperties: false });

export const SeriesInputSchema = Type.Object(
  {
    unit: Type.String({ minLength: 1, maxLength: 20, description: 'e.g. EUR/MWh, EUR/kWh, kW, kWh (energy per interval)' }),
    intervals: Type.Array(
      Type.Object(
        { start: Instant('interval start'), end: Instant('interval end (exclusive)'), value: Type.Number({ minimum: -1e9, maximum: 1e9 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50_000 },
    ),
  },
  { additionalProperties: false },
);
export type SeriesInput = Static<typeof SeriesInputSchema>;

export const CsvQuerySchema = Type.Object(
  {
    startColumn: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'default interval_start' })),
    valueColumn: Type.Optional(Type.String({ minLength: 1, maxLength: 100, examples: [csvQueryExamples.valueColumn], description: 'required for CSV; unit from its name (price_eur_per_mwh, power_kw) unless unit is given' })),
    endColumn: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    resolution: Type.Optional(Type.String({ minLength: 1, maxLength: 20, examples: [csvQueryExamples.resolution], description: 'ISO 8601 duration of each row when there is no end column, e.g. PT60M' })),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1 })),
  },
  { additionalProperties: false },
);
export type CsvQuery = Static<typeof CsvQuerySchema>;

export const SeriesSummarySchema = Type.Object({
  kind: Type.String(),
  unit: Type.String(),
  intervals: Type.Integer(),
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
});

export const CapacityLimitViewSchema = Type.Object({
  origin: Type.String(),
  source: Type.String(),
  direction: Type.String(),
  start: Type.String(),
  end: Type.String(),
  limitKw: Type.Number(),
});

export const SignalsOverviewSchema = Type.Object({
  series: Type.Array(SeriesSummarySchema),
  capacityLimits: Type.Array(CapacityLimitViewSchema),
  updatedAt: Type.Optional(Type.String()),
});

export const SeriesViewSchema = Type.Object({
  kind: Type.String(),
  unit: Type.String(),
  intervals: Type.Array(Type.Object({ start: Type.String(), end: Type.String(), value: Type.Number() })),
});

export const SignalUploadResultSchema = Type.Object({
  stored: Type.Array(SeriesSummarySchema),
  capacityLimits: Type.Integer({ description: 'capacity limits stored from this document' }),
  unsupported: Type.Array(FieldIssueSchema, { description: 'parts of the document not used (e.g. OpenADR payload types)' }),
  replan: Type.Optional(JobLinkSchema),
  replanDeferred: Type.Optional(Type.String({ description: 'why the re-plan is deferred (the signals are stored; header Replan-Status: deferred)' })),
});

/** The fields of an OpenADR 3 event are checked by grid/openadr3-event.ts (problems named by pointer). */
export const OpenAdrEventBodySchema = Type.Object({}, { additionalProperties: true, description: 'an OpenADR 3.0.1 event object (programID, intervalPeriod, intervals, payloadDescriptors)' });
