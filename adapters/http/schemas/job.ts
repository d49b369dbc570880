/** Re-plan jobs on the wire. */
import { Type } from 'typebox';

export const JobSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  state: Type.String({ description: 'delayed | waiting | active | completed | failed' }),
  siteId: Type.String(),
  reasons: Type.Array(Type.String()),
  attemptsMade: Type.Integer(),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  runAt: Type.Optional(Type.String()),
  processedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  failedReason: Type.Optional(Type.String()),
  failedCode: Type.Optional(Type.String()),
  planId: Type.Optional(Type.String()),
  planHref: Type.Optional(Type.String()),
});

export const JobParams = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
