/**
 * A crashed OCPP gateway writes nothing: its chargers turn "not connected" only in how the status board is read
 * (adapters/service/gateway-liveness.ts, after 3 missed beats), so no write announces it on the change feed.
 * While a dashboard stream is open, this watch reads the chargers of the sites open pages show (every site when
 * an overview is open) once per gateway beat interval and announces a `charger` change for each charge point
 * whose connection reads differently from the last look: the page then shows the silent gateway's chargers as
 * disconnected, with the reason, within about one beat of the board saying so. One read per interval for the
 * whole process, whatever the number of open pages; nothing at all while no page is open.
 */
import { chargePointsOf } from '../http/views/delivery-view.ts';
import type { ServiceContext } from '../service/context.ts';
import type { OpenStreams } from './event-stream.ts';

/** Starts the watch; returns the function that stops it. `onError` hears a failed look (the next one retries). */
export function watchGatewaySilence(ctx: ServiceContext, streams: OpenStreams, everyMs: number, onError: (error: unknown) => void): () => void {
  /** Connected or not, per charge point, as last seen (only while watched). */
  const seen = new Map<string, boolean>();
  let cancel: (() => void) | undefined;
  let stopped = false;

  const look = async () => {
    const overview = streams.watchesOverview();
    const sites = (await ctx.store.listSites()).filter((s) => overview || streams.watchesSite(s.id));
    if (sites.length === 0) {
      seen.clear();
      return;
    }
    const ids = [...new Set(sites.flatMap(chargePointsOf))];
    const statuses = await ctx.chargerStatus.getMany(ids);
    const now = new Map(statuses.map((r) => [r.chargePointId, r.link?.connected === true]));
    for (const [id, connected] of now) {
      const before = seen.get(id);
      if (before !== undefined && before !== connected) await ctx.changes.publish({ kind: 'charger', id, atUtcMs: ctx.clock.nowUtcMs() });
    }
    seen.clear();
    for (const [id, connected] of now) seen.set(id, connected);
  };

  const tick = () => {
    void look()
      .catch(onError)
      .finally(() => {
        if (!stopped) cancel = ctx.timers.setTimer(everyMs, tick);
      });
  };
  cancel = ctx.timers.setTimer(everyMs, tick);
  return () => {
    stopped = true;
    cancel?.();
  };
}
