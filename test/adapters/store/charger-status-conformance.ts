/**
 * The charger status board's conformance suite (adapters/store/charger-status.ts), run against the memory
 * and the Redis implementation: per-field writes, newer wins, EVSEs sorted, deep-frozen reads.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChargerStatusBoard, EvseDeliveryRecord } from '../../../adapters/store/charger-status.ts';
import { MemoryChargerStatusBoard } from '../../../adapters/store/memory-charger-status.ts';

export interface ChargerStatusHarness {
  readonly board: ChargerStatusBoard;
  /** A second board on the same data (another process); default `board`. */
  readonly peer?: ChargerStatusBoard;
  cleanup(): Promise<void>;
}

const t0 = Date.parse('2025-06-02T08:00:00Z');

function delivery(evseId: number, atUtcMs: number, override: Partial<EvseDeliveryRecord> = {}): EvseDeliveryRecord {
  return { evseId, status: 'applied', planId: 'plan-1', purpose: 'TxProfile', profileId: 100 + evseId, attempts: 1, atUtcMs, ...override };
}

export function describeChargerStatusConformance(label: string, setup: () => Promise<ChargerStatusHarness>): void {
  describe(`ChargerStatusBoard conformance: ${label}`, () => {
    let h: ChargerStatusHarness;
    let board: ChargerStatusBoard;
    beforeEach(async () => {
      h = await setup();
      board = h.board;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('answers undefined for an unknown charge point and skips it in getMany', async () => {
      expect(await board.get('CP-1')).toBeUndefined();
      expect(await board.getMany(['CP-1', 'CP-2'])).toEqual([]);
      expect(await board.delete('CP-1')).toBe(false);
    });

    it('keeps the link and each EVSE apart, EVSEs sorted, reads frozen', async () => {
      await board.putDelivery('CP-1', delivery(2, t0 + 5));
      await board.putLink('CP-1', { connected: true, version: 'ocpp2.1', sinceUtcMs: t0, gateway: 'host:1' });
      await board.putDelivery('CP-1', delivery(0, t0 + 1, { purpose: 'StationMaxProfile' }));
      await board.putDelivery('CP-1', delivery(1, t0 + 2, { status: 'not-applied', code: 'V2G_ERR_OCPP_PROFILE_REJECTED', message: 'Rejected', attempts: 3, nextRetryUtcMs: t0 + 60_000 }));
      const got = await board.get('CP-1');
      expect(got).toEqual({
        chargePointId: 'CP-1',
        link: { connected: true, version: 'ocpp2.1', sinceUtcMs: t0, gateway: 'host:1' },
        evses: [
          delivery(0, t0 + 1, { purpose: 'StationMaxProfile' }),
          delivery(1, t0 + 2, { status: 'not-applied', code: 'V2G_ERR_OCPP_PROFILE_REJECTED', message: 'Rejected', attempts: 3, nextRetryUtcMs: t0 + 60_000 }),
          delivery(2, t0 + 5),
        ],
      });
      expect(Object.isFrozen(got)).toBe(true);
      expect(Object.isFrozen(got!.evses[0])).toBe(true);
      expect((await board.getMany(['nope', 'CP-1'])).map((r) => r.chargePointId)).toEqual(['CP-1']);
      expect(await board.delete('CP-1')).toBe(true);
      expect(await board.get('CP-1')).toBeUndefined();
    });

    it('newer wins: a delayed older report never rolls a status back (from any writer)', async () => {
      const other = h.peer ?? board;
      await board.putDelivery('CP-1', delivery(1, t0 + 10, { status: 'applied' }));
      await other.putDelivery('CP-1', delivery(1, t0 + 5, { status: 'failed' }));
      expect((await board.get('CP-1'))!.evses[0]!.status).toBe('applied');
      await other.putDelivery('CP-1', delivery(1, t0 + 10, { status: 'pending' }));
      expect((await board.get('CP-1'))!.evses[0]!.status).toBe('pending');
      await board.putLink('CP-1', { connected: false, sinceUtcMs: t0 + 20, reason: '1006' });
      await other.putLink('CP-1', { connected: true, sinceUtcMs: t0 + 15, gateway: 'old' });
      expect((await other.get('CP-1'))!.link).toEqual({ connected: false, sinceUtcMs: t0 + 20, reason: '1006' });
    });

    it('gateway beats: the newest per gateway, from any writer; unknown gateways are absent', async () => {
      const other = h.peer ?? board;
      expect(await board.getGatewayBeats(['host:1'])).toEqual(new Map());
      await board.putGatewayBeat('host:1', t0 + 10);
      await other.putGatewayBeat('host:1', t0 + 5); // delayed, older: ignored
      await other.putGatewayBeat('host:2', t0 + 7);
      expect(await other.getGatewayBeats(['host:1', 'host:2', 'host:3'])).toEqual(new Map([['host:1', t0 + 10], ['host:2', t0 + 7]]));
      await board.putGatewayBeat('host:2', t0 + 20);
      expect(await board.getGatewayBeats(['host:2'])).toEqual(new Map([['host:2', t0 + 20]]));
      expect(await board.getGatewayBeats([])).toEqual(new Map());
    });

    it('matches the reference on random sequences of concurrent writes (the newest per field survives)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ evseId: fc.integer({ min: 0, max: 3 }), at: fc.integer({ min: 0, max: 50 }), link: fc.boolean(), peer: fc.boolean() }), { minLength: 1, maxLength: 30 }),
          async (writes) => {
            const run = await setup();
            try {
              const model = new MemoryChargerStatusBoard();
              // The model sees the writes in order; the board sees them all at once (from two writers).
              for (const w of writes) await (w.link ? model.putLink('CP', { connected: w.at % 2 === 0, sinceUtcMs: w.at }) : model.putDelivery('CP', delivery(w.evseId, w.at)));
              await Promise.all(
                writes.map((w) => {
                  const b = w.peer ? (run.peer ?? run.board) : run.board;
                  return w.link ? b.putLink('CP', { connected: w.at % 2 === 0, sinceUtcMs: w.at }) : b.putDelivery('CP', delivery(w.evseId, w.at));
                }),
              );
              const got = await run.board.get('CP');
              const expected = await model.get('CP');
              // Equal timestamps may land in any order when concurrent; compare the timestamps per field.
              expect(got?.evses.map((e) => [e.evseId, e.atUtcMs])).toEqual(expected?.evses.map((e) => [e.evseId, e.atUtcMs]));
              expect(got?.link?.sinceUtcMs).toEqual(expected?.link?.sinceUtcMs);
            } finally {
              await run.cleanup();
            }
          },
        ),
        { numRuns: 20, seed: 42 },
      );
    });
  });
}
