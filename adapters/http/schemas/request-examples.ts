/**
 * One valid example body per write operation, shown (and pre-filled) by the OpenAPI UI at /docs: without them the
 * UI made up a body from the schema alone (a dispatch of 100,000 kW with start equal to end) that the API refused.
 *
 * Invariant, checked by test/adapters/http/openapi-examples.test.ts: every example validates against its operation's
 * schema, and the main writes, sent in order to a fresh service whose clock is at `examplesValidFromUtc`, are
 * accepted. The examples name one site (`depot-1`, two 11 kW chargers) so that they can be tried one after the
 * other; their times lie in January 2030, so a dispatch or a departure is not in the past for anyone trying them
 * before then.
 */

/** The instant the examples are checked at (the windows below start after it). */
export const examplesValidFromUtc = '2030-01-15T06:00:00Z';

const siteFields = {
  name: 'Example depot',
  timeZone: 'Europe/Berlin',
  currency: 'EUR',
  connection: { importLimitKw: 100, exportLimitKw: 50 },
  chargers: [
    { id: 'cp-1', maxPowerKw: 11, canDischarge: true },
    { id: 'cp-2', maxPowerKw: 11, canDischarge: false },
  ],
  tariff: { priceTerms: [{ name: 'network-fee', kind: 'per-kwh', pricePerKwh: 0.05 }] },
};

/** POST /v1/sites */
export const siteCreateExample = { id: 'depot-1', ...siteFields };

/** PUT /v1/sites/{siteId} */
export const siteReplaceExample = { ...siteFields, connection: { importLimitKw: 120, exportLimitKw: 50 } };

/** POST /v1/sites/{siteId}/sessions */
export const sessionCreateExample = {
  id: 'session-1',
  chargerId: 'cp-1',
  departure: '2030-01-15T16:00:00Z',
  capacityKwh: 60,
  socPercent: 40,
  targetSocPercent: 80,
  v2gConsent: true,
};

/** PATCH /v1/sites/{siteId}/sessions/{sessionId} */
export const sessionPatchExample = { departure: '2030-01-15T18:00:00Z', targetSocPercent: 90 };

/** POST /v1/sites/{siteId}/signals/{kind} (JSON; here import prices for two hours) */
export const seriesExample = {
  unit: 'EUR/MWh',
  intervals: [
    { start: '2030-01-15T06:00:00Z', end: '2030-01-15T07:00:00Z', value: 85.5 },
    { start: '2030-01-15T07:00:00Z', end: '2030-01-15T08:00:00Z', value: 120.25 },
  ],
};

/** POST /v1/sites/{siteId}/signals/openadr3-events (an OpenADR 3 EVENT with an import capacity limit) */
export const openAdrEventExample = {
  id: 'event-1',
  objectType: 'EVENT',
  programID: 'grid-aware-charging',
  eventName: 'evening congestion',
  payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }],
  intervals: [{ id: 0, intervalPeriod: { start: '2030-01-15T17:00:00Z', duration: 'PT2H' }, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [40] }] }],
};

/** POST /v1/sites/{siteId}/dispatches: at most 20 kW from the grid for two hours. */
export const dispatchCreateExample = { kind: 'import-limit', powerKw: 20, start: '2030-01-15T17:00:00Z', end: '2030-01-15T19:00:00Z', reference: 'DSO-2030-0115-17' };

/** PUT /v1/chargers/{chargePointId}/credentials */
export const credentialsExample = { password: 'example-password-0001' };

const portfolioFields = { name: 'Example feeder', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds: ['depot-1'], sharedLimits: { importLimitKw: 400 } };

/** POST /v1/portfolios */
export const portfolioCreateExample = { id: 'feeder-1', ...portfolioFields };

/** PUT /v1/portfolios/{portfolioId} */
export const portfolioReplaceExample = { ...portfolioFields, sharedLimits: { importLimitKw: 350 } };

/** `schema` with `example` as its OpenAPI example (the schema's `examples`; validators ignore it). */
export function withExample<S extends object>(schema: S, example: unknown): S {
  return { ...schema, examples: [example] };
}
