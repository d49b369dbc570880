/** The flexibility envelope on the wire. */
import { Type } from 'typebox';
import { Id } from './common.ts';

export const FlexibilitySchema = Type.Object({
  siteId: Type.String(),
  planId: Type.String(),
  planCreatedAt: Type.String(),
  explanation: Type.String(),
  slots: Type.Array(
    Type.Object({
      start: Type.String(),
      end: Type.String(),
      plannedNetKw: Type.Number({ description: 'planned import - export' }),
      upKw: Type.Number({ description: 'extra import the site could take in this slot alone' }),
      downKw: Type.Number({ description: 'import it could shed (or export it could add) in this slot alone' }),
    }),
  ),
});

export const FlexibilityQuerySchema = Type.Object(
  { planId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'default: the plan in force' })) },
  { additionalProperties: false },
);
export const FlexibilityParams = Type.Object({ siteId: Id('site id') }, { additionalProperties: false });
