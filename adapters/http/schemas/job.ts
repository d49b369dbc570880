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
  progress: Type.Optional(
    Type.Object(
      {
        phase: Type.String({ description: 'build | lp | repair | milp | incumbents | decomposition | done' }),
        round: Type.Integer({ description: 'solver rounds so far' }),
        elapsedMs: Type.Optional(Type.Number({ description: 'time since the solve started (ms)' })),
        timeLimitMs: Type.Optional(Type.Number({ description: "the solve's whole budget (ms)" })),
        bestObjective: Type.Optional(Type.Number({ description: 'objective of the cheapest valid plan so far' })),
        bound: Type.Optional(Type.Number({ description: 'best proven lower bound so far' })),
        gapPct: Type.Optional(Type.Number({ description: '100 x (bestObjective - bound) / |bound|' })),
      },
      { description: "the solve's latest progress while the job runs (kept once it ends)" },
    ),
  ),
});

export const JobParams = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
