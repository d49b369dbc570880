/**
 * Gateway liveness on the charger status board. A gateway writes a charger's link when the charger
 * connects and when it disconnects; a gateway process that crashes writes neither, so its chargers would
 * stay "connected" on the board until they reconnect elsewhere. Each gateway therefore beats
 * (`GatewayBeat`: at start, then every OCPP_GATEWAY_BEAT_MS), and readers see the board through
 * `withGatewayLiveness`: a connected link whose gateway has been silent for longer than `silentAfterMs`
 * (3 beats) since its last beat (or since the link itself, if later) reads as not connected, with the
 * reason saying which gateway went silent and since when. Links without a gateway (embedded: one process)
 * are never marked. Writes pass through unchanged.
 */
import type { Clock, Timers, CancelTimer } from '../clock.ts';
import type { ChargerLinkRecord, ChargerStatusBoard, ChargerStatusRecord } from '../store/charger-status.ts';

/** The board as readers should see it: links of silent gateways are reported as not connected. */
export function withGatewayLiveness(board: ChargerStatusBoard, clock: Clock, silentAfterMs: number): ChargerStatusBoard {
  const judge = async (records: readonly ChargerStatusRecord[]): Promise<ChargerStatusRecord[]> => {
    const gateways = [...new Set(records.flatMap((r) => (r.link?.connected && r.link.gateway !== undefined ? [r.link.gateway] : [])))];
    if (gateways.length === 0) return [...records];
    const beats = await board.getGatewayBeats(gateways);
    const now = clock.nowUtcMs();
    return records.map((r) => {
      const link = r.link;
      if (!link?.connected || link.gateway === undefined) return r;
      const lastSignUtcMs = Math.max(beats.get(link.gateway) ?? -Infinity, link.sinceUtcMs);
      if (now - lastSignUtcMs <= silentAfterMs) return r;
      const silent: ChargerLinkRecord = {
        connected: false,
        sinceUtcMs: lastSignUtcMs,
        gateway: link.gateway,
        reason: `gateway ${link.gateway} silent since ${new Date(lastSignUtcMs).toISOString()} (no beat for ${Math.round((now - lastSignUtcMs) / 1000)} s): connection state unknown until the charger reconnects`,
      };
      return { ...r, link: silent };
    });
  };
  return {
    putLink: (id, link) => board.putLink(id, link),
    putDelivery: (id, delivery) => board.putDelivery(id, delivery),
    delete: (id) => board.delete(id),
    putGatewayBeat: (gateway, atUtcMs) => board.putGatewayBeat(gateway, atUtcMs),
    getGatewayBeats: (gateways) => board.getGatewayBeats(gateways),
    async get(id) {
      const record = await board.get(id);
      return record ? (await judge([record]))[0] : undefined;
    },
    async getMany(ids) {
      return judge(await board.getMany(ids));
    },
  };
}

/** A gateway's beat: once now, then every `intervalMs` until `stop()`. A failed beat is logged and retried on the next. */
export class GatewayBeat {
  private cancel: CancelTimer | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      readonly board: ChargerStatusBoard;
      readonly gateway: string;
      readonly clock: Clock;
      readonly timers: Timers;
      readonly intervalMs: number;
      readonly onError: (err: unknown) => void;
    },
  ) {}

  start(): void {
    this.stopped = false;
    void this.beat();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.deps.board.putGatewayBeat(this.deps.gateway, this.deps.clock.nowUtcMs());
    } catch (err) {
      this.deps.onError(err);
    }
    if (this.stopped) return;
    this.cancel = this.deps.timers.setTimer(this.deps.intervalMs, () => {
      this.cancel = undefined;
      void this.beat();
    });
  }
}
