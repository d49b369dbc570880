/**
 * `v2g sim-chargers` against our server: the chargers boot, start sessions, receive the plan as
 * SetChargingProfile (logged with the answer), report meter values, and stop when told (the caller's abort
 * signal, as SIGINT) or after --duration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../adapters/cli/main.ts';
import { ManualClock } from '../../../adapters/clock.ts';
import { hangGuardFloorMs } from '../../hang-guard.ts';
import { closeAll, SLOT_MS, startTestServer, waitFor } from './ocpp-test-kit.ts';

afterEach(closeAll);

describe('v2g sim-chargers', () => {
  it('runs N chargers of one version, logs each message received with its answer, and stops when told', async () => {
    const clock = new ManualClock(Date.now());
    // Each charger boots at once, so discovery (GetVariables) runs once per charger. With the default 2 s grace a
    // boot that a loaded machine delays past it starts a second discovery (charger-connection.ts), which is right
    // for a charger that never boots but is not what this test counts: the grace here outlasts any wait.
    const t = await startTestServer({ clock, autoRegister: true, bootGraceMs: hangGuardFloorMs });
    const lines: string[] = [];
    const stop = new AbortController();
    const run = main(['node', 'v2g', 'sim-chargers', '--url', t.server.url, '--count', '3', '--protocol', '2.0.1', '--meter-interval', '0.2', '--id-prefix', 'CLI'], (l) => lines.push(l), (l) => lines.push(`ERR ${l}`), { stop: stop.signal });
    await waitFor(() => t.port.sessions.size === 3, 5_000, 'three sessions');
    const start = clock.nowUtcMs() - (clock.nowUtcMs() % SLOT_MS);
    t.server.applyPlan({ evses: ['CLI-0001', 'CLI-0002', 'CLI-0003'].map((chargerId, i) => ({ chargerId, evseId: 1, startUtcMs: start, slotMs: SLOT_MS, powerKw: [3 + i, 0, 7] })) });
    // Stop once what is asserted below has happened (no guessed --duration: under load it ended runs too early).
    const received = () => lines.filter((l) => l.includes('<- SetChargingProfile'));
    await waitFor(() => received().length === 3, 5_000, 'three profiles logged');
    await waitFor(() => t.port.eventsOf('sessionUpdated').some((e) => e.powerKw !== undefined && e.powerKw >= 3), 5_000, 'a meter value drawing the planned power');
    stop.abort();
    expect(await run).toBe(0);
    expect(received()).toHaveLength(3);
    expect(received()[0]).toMatch(/^CLI-000\d <- SetChargingProfile TxProfile #91001 evse 1 stack 8 tx \S+ W 3 periods \[\d+@0s 0@\d+s 7000@\d+s\] -> Accepted$/);
    expect(lines.some((l) => /^CLI-0001 <- GetVariables /.test(l))).toBe(true);
    expect(lines).toContain('sim-chargers: stopping (stopped by the caller)');
    // at the end the transactions stop and their TxProfiles are cleared (those clears that still got through)
    expect(lines.at(-1)).toMatch(/^sim-chargers: received (ClearChargingProfile Unknown: [0-3], )?GetVariables ok: 3, SetChargingProfile Accepted: 3$/);
    // The chargers stopped their transactions before the run ended; the port has them once the server handled them.
    await waitFor(() => t.port.eventsOf('sessionEnded').length >= 3, 5_000, 'three sessions ended');
    expect(t.port.eventsOf('sessionEnded')).toHaveLength(3);
  });

  it('stops after --duration', async () => {
    const t = await startTestServer({ autoRegister: true });
    const lines: string[] = [];
    // --duration 0: the run ends as soon as the chargers booted, whatever the machine's speed.
    expect(await main(['node', 'v2g', 'sim-chargers', '--url', t.server.url, '--count', '1', '--duration', '0', '--id-prefix', 'DUR'], (l) => lines.push(l), (l) => lines.push(`ERR ${l}`))).toBe(0);
    expect(lines).toContain('sim-chargers: 1 charger(s) booted');
    expect(lines).toContain('sim-chargers: stopping (0 s elapsed)');
    expect(lines.at(-1)).toMatch(/^sim-chargers: received /);
  });

  it('refuses bad arguments with exit code 2', async () => {
    const lines: string[] = [];
    expect(await main(['node', 'v2g', 'sim-chargers', '--url', 'http://x', '--count', '1'], (l) => lines.push(l), (l) => lines.push(l))).toBe(2);
    expect(await main(['node', 'v2g', 'sim-chargers', '--url', 'ws://x/ocpp', '--protocol', '3.0'], (l) => lines.push(l), (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toMatch(/--url must be ws/);
    expect(lines.join('\n')).toMatch(/--protocol must be 1.6, 2.0.1 or 2.1/);
  });
});
