/**
 * Gateway liveness (adapters/service/gateway-liveness.ts): a crashed gateway process never writes its
 * chargers' disconnections, so readers judge its links by its beats. A connected link whose gateway has
 * not beaten for longer than the limit (since its last beat, or since the link if later) reads as not
 * connected, with the reason; links without a gateway are never marked; writes pass through.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { GatewayBeat, withGatewayLiveness } from '../../../adapters/service/gateway-liveness.ts';
import type { ChargerStatusBoard } from '../../../adapters/store/charger-status.ts';
import { MemoryChargerStatusBoard } from '../../../adapters/store/memory-charger-status.ts';

const t0 = Date.parse('2026-11-24T08:00:00Z');
const beatMs = 10_000;

function setup() {
  const clock = new ManualClock(t0);
  const raw = new MemoryChargerStatusBoard();
  const board = withGatewayLiveness(raw, clock, 3 * beatMs);
  return { clock, raw, board };
}

describe('withGatewayLiveness', () => {
  it('a live gateway keeps its links connected; a silent one makes them read as not connected, with the reason', async () => {
    const { clock, raw, board } = setup();
    await board.putLink('CP-1', { connected: true, version: 'ocpp2.0.1', sinceUtcMs: t0, gateway: 'gw-a:1' });
    await board.putLink('CP-2', { connected: true, version: 'ocpp1.6', sinceUtcMs: t0, gateway: 'gw-b:2' });
    await raw.putGatewayBeat('gw-a:1', t0);
    await raw.putGatewayBeat('gw-b:2', t0);
    await clock.advanceBy(25_000);
    await raw.putGatewayBeat('gw-a:1', clock.nowUtcMs()); // gw-a beats on, gw-b has crashed
    await clock.advanceBy(10_000); // 35 s after gw-b's last beat: silent (> 30 s); gw-a beat 10 s ago
    const [a, b] = await board.getMany(['CP-1', 'CP-2']);
    expect(a!.link).toEqual({ connected: true, version: 'ocpp2.0.1', sinceUtcMs: t0, gateway: 'gw-a:1' });
    expect(b!.link).toMatchObject({ connected: false, sinceUtcMs: t0, gateway: 'gw-b:2' });
    expect(b!.link!.reason).toBe('gateway gw-b:2 silent since 2026-11-24T08:00:00.000Z (no beat for 35 s): connection state unknown until the charger reconnects');
    expect((await board.get('CP-2'))!.link!.connected).toBe(false);
    // the stored record is untouched: when the charger reconnects (here: via another gateway) it is live again
    expect((await raw.get('CP-2'))!.link!.connected).toBe(true);
    await board.putLink('CP-2', { connected: true, version: 'ocpp1.6', sinceUtcMs: clock.nowUtcMs(), gateway: 'gw-a:1' });
    expect((await board.get('CP-2'))!.link).toMatchObject({ connected: true, gateway: 'gw-a:1' });
  });

  it('a link newer than the last beat counts from the link; links without a gateway and disconnected links are never changed', async () => {
    const { clock, board } = setup();
    await clock.advanceBy(60_000);
    await board.putLink('CP-NEW', { connected: true, sinceUtcMs: clock.nowUtcMs(), gateway: 'gw-new:3' }); // no beat recorded yet
    await board.putLink('CP-EMBEDDED', { connected: true, sinceUtcMs: t0 });
    await board.putLink('CP-OFF', { connected: false, sinceUtcMs: t0, gateway: 'gw-gone:4', reason: '1006' });
    await clock.advanceBy(20_000);
    expect((await board.getMany(['CP-NEW', 'CP-EMBEDDED', 'CP-OFF'])).map((r) => r.link!.connected)).toEqual([true, true, false]);
    expect((await board.get('CP-OFF'))!.link!.reason).toBe('1006');
    await clock.advanceBy(20_000);
    expect((await board.get('CP-NEW'))!.link!.connected).toBe(false);
    expect((await board.get('CP-EMBEDDED'))!.link!.connected).toBe(true);
    expect(await board.get('CP-UNKNOWN')).toBeUndefined();
  });
});

describe('GatewayBeat', () => {
  it('beats at start and every interval until stopped; a failed beat is reported and the next one still comes', async () => {
    const clock = new ManualClock(t0);
    const beats: number[] = [];
    let fail = false;
    const errors: unknown[] = [];
    const board = {
      putGatewayBeat: async (_gateway: string, atUtcMs: number) => {
        if (fail) throw new Error('Redis is unavailable');
        beats.push(atUtcMs);
      },
    } as unknown as ChargerStatusBoard;
    const beat = new GatewayBeat({ board, gateway: 'gw:1', clock, timers: clock, intervalMs: beatMs, onError: (e) => errors.push(e) });
    beat.start();
    await clock.advanceBy(0);
    await clock.advanceBy(beatMs);
    expect(beats).toEqual([t0, t0 + beatMs]);
    fail = true;
    await clock.advanceBy(beatMs);
    expect(errors).toHaveLength(1);
    fail = false;
    await clock.advanceBy(beatMs);
    expect(beats).toEqual([t0, t0 + beatMs, t0 + 3 * beatMs]);
    beat.stop();
    await clock.advanceBy(5 * beatMs);
    expect(beats).toHaveLength(3);
  });
});
