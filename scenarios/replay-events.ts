/**
 * The replay's event list: arrivals, departures and price publications, sorted by time (ties: departures
 * first, then arrivals, then price updates; then session order). The engine consumes them at each slot
 * boundary: everything up to and including the boundary has happened.
 */
import { priceUpdateInstants } from './price-visibility.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import type { ReplaySession } from './replay-session.ts';

/** Something that happens at an instant (UTC ms): a vehicle arrives or leaves, or prices are published. */
export type ReplayEvent =
  | { readonly kind: 'departure'; readonly atUtcMs: number; readonly session: ReplaySession }
  | { readonly kind: 'arrival'; readonly atUtcMs: number; readonly session: ReplaySession }
  | { readonly kind: 'price-update'; readonly atUtcMs: number };

const rank = { departure: 0, arrival: 1, 'price-update': 2 } as const;

/** Every event of the replay, sorted. */
export function replayEvents(inputs: ReplayInputs): ReplayEvent[] {
  const events: ReplayEvent[] = [];
  inputs.sessions.forEach((session) => {
    events.push({ kind: 'arrival', atUtcMs: session.arrivalUtcMs, session });
    events.push({ kind: 'departure', atUtcMs: session.departureUtcMs, session });
  });
  for (const atUtcMs of priceUpdateInstants(inputs.priceVisibility, inputs.periodStartUtcMs, inputs.simulationEndUtcMs, inputs.site.zone)) {
    events.push({ kind: 'price-update', atUtcMs });
  }
  // Array.prototype.sort is stable, so equal keys keep session order.
  return events.sort((a, b) => a.atUtcMs - b.atUtcMs || rank[a.kind] - rank[b.kind]);
}
