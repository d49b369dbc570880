/** The per-charger state machine. */
import { describe, expect, it } from 'vitest';
import { allows, isNotApplied, nextPhase, type ChargerEvent, type ChargerPhase } from '../../../adapters/ocpp/charger-state.ts';
import { OcppError } from '../../../adapters/ocpp/errors.ts';

const run = (events: ChargerEvent[], from: ChargerPhase = 'offline') => events.reduce<ChargerPhase>((p, e) => nextPhase(p, e), from);

describe('charger phases', () => {
  it.each<[string, ChargerEvent[], ChargerPhase]>([
    ['a new charger: connect, boot, discover, re-sync, ready', ['connect', 'boot', 'discover', 'discovered', 'resynced'], 'ready'],
    ['a known charger reconnecting without boot goes straight to the re-sync', ['connect', 'resync', 'resynced'], 'ready'],
    ['a charger that never boots is discovered after its first message', ['connect', 'discover', 'discovered', 'resynced'], 'ready'],
    ['a reboot while ready starts over', ['connect', 'resync', 'resynced', 'boot', 'discover'], 'discovering'],
    ['a disconnect from anywhere goes offline', ['connect', 'boot', 'discover', 'disconnect'], 'offline'],
  ])('%s', (_name, events, expected) => {
    expect(run(events)).toBe(expected);
  });

  it('refuses events that make no sense, with a stable code', () => {
    expect(allows('offline', 'boot')).toBe(false);
    expect(() => nextPhase('offline', 'boot')).toThrow(OcppError);
    try {
      nextPhase('ready', 'discovered');
    } catch (error) {
      expect((error as OcppError).code).toBe('V2G_ERR_OCPP_STATE');
    }
  });

  it('not-applied statuses', () => {
    expect(['fallback-applied', 'not-applied', 'failed'].every((s) => isNotApplied(s as never))).toBe(true);
    expect(['applied', 'pending', 'no-plan', 'waiting-for-transaction'].some((s) => isNotApplied(s as never))).toBe(false);
  });
});
