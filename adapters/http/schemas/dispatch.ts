/** Dispatch requests from the utility and their acknowledgements. */
import { Type, type Static } from 'typebox';
import { Id, Instant, Kw } from './common.ts';

export const DispatchCreateSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('import-limit'), Type.Literal('export-delivery')], {
      description: 'import-limit: "limit site import to powerKw"; export-delivery: "deliver powerKw of export (discharge) to the grid"',
    }),
    powerKw: Kw('the import limit, or the export power to deliver'),
    start: Instant('window start (may be in the past: applies from now)'),
    end: Instant('window end (exclusive), after now, at most 7 days after start'),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "the utility's reference, e.g. an OpenADR event id" })),
  },
  { additionalProperties: false },
);
export type DispatchCreate = Static<typeof DispatchCreateSchema>;

export const DispatchQuerySchema = Type.Object(
  { wait: Type.Optional(Type.Boolean({ description: 'wait for the re-plan and answer with the acknowledgement (default true); false: 202 at once' })) },
  { additionalProperties: false },
);

export const AckSlotSchema = Type.Object({
  start: Type.String(),
  end: Type.String(),
  requestedKw: Type.Number(),
  plannedKw: Type.Number({ description: 'import (limit) or export (delivery) in the new plan' }),
  met: Type.Boolean(),
});

export const AcknowledgementSchema = Type.Object({
  state: Type.Union([Type.Literal('pending'), Type.Literal('acknowledged')]),
  planId: Type.Optional(Type.String()),
  acknowledgedAt: Type.Optional(Type.String()),
  fulfilment: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('partial'), Type.Literal('none')])),
  message: Type.Optional(Type.String()),
  slots: Type.Optional(Type.Array(AckSlotSchema)),
  beyondHorizonFrom: Type.Optional(Type.String()),
  shortfallKwh: Type.Optional(Type.Number({ description: 'energy missing at departures in the new plan, all sessions' })),
});

export const DispatchSchema = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  kind: Type.String(),
  powerKw: Type.Number(),
  start: Type.String(),
  end: Type.String(),
  reference: Type.Optional(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('cancelled'), Type.Literal('expired')]),
  requestedBy: Type.String(),
  createdAt: Type.String(),
  cancelledAt: Type.Optional(Type.String()),
  acknowledgement: AcknowledgementSchema,
  job: Type.Optional(Type.Object({ id: Type.String(), state: Type.String(), href: Type.String() })),
});

export const DispatchListSchema = Type.Object({ dispatches: Type.Array(DispatchSchema) });
export const DispatchParams = Type.Object({ siteId: Id('site id'), dispatchId: Id('dispatch id') }, { additionalProperties: false });
