/**
 * `v2g sim-chargers` against our server: the chargers boot, start sessions, receive the plan as
 * SetChargingProfile (logged with the answer), report meter values, and stop after --duration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../adapters/cli/main.ts';
import { ManualClock } from '../../../adapters/clock.ts';
import { closeAll, SLOT_MS, startTestServer, waitFor } from './ocpp-test-kit.ts';

afterEach(closeAll);

describe('v2g sim-chargers', () => {
  it('runs N chargers of one version, logs each message received with its answer, and stops after --duration', async () => {
    const clock = new ManualClock(Date.now());
    const t = await startTestServer({ clock, autoRegister: true });
    const lines: string[] = [];
    const run = main(['node', 'v2g', 'sim-chargers', '--url', t.server.url, '--count', '3', '--protocol', '2.0.1', '--duration', '1.5', '--meter-interval', '0.2', '--id-prefix', 'CLI'], (l) => lines.push(l), (l) => lines.push(`ERR ${l}`));
    await waitFor(() => t.port.sessions.size === 3, 5_000, 'three sessions');
    const start = clock.nowUtcMs() - (clock.nowUtcMs() % SLOT_MS);
    t.server.applyPlan({ evses: ['CLI-0001', 'CLI-0002', 'CLI-0003'].map((chargerId, i) => ({ chargerId, evseId: 1, startUtcMs: start, slotMs: SLOT_MS, powerKw: [3 + i, 0, 7] })) });
    expect(await run).toBe(0);
    const received = lines.filter((l) => l.includes('<- SetChargingProfile'));
    expect(received).toHaveLength(3);
    expect(received[0]).toMatch(/^CLI-000\d <- SetChargingProfile TxProfile #91001 evse 1 stack 8 tx \S+ W 3 periods \[\d+@0s 0@\d+s 7000@\d+s\] -> Accepted$/);
    expect(lines.some((l) => /^CLI-0001 <- GetVariables /.test(l))).toBe(true);
    // at the end the transactions stop and their TxProfiles are cleared (those clears that still got through)
    expect(lines.at(-1)).toMatch(/^sim-chargers: received (ClearChargingProfile Unknown: [0-3], )?GetVariables ok: 3, SetChargingProfile Accepted: 3$/);
    expect(t.port.eventsOf('sessionUpdated').some((e) => e.powerKw !== undefined && e.powerKw >= 3)).toBe(true);
    expect(t.port.eventsOf('sessionEnded')).toHaveLength(3);
  });

  it('refuses bad arguments with exit code 2', async () => {
    const lines: string[] = [];
    expect(await main(['node', 'v2g', 'sim-chargers', '--url', 'http://x', '--count', '1'], (l) => lines.push(l), (l) => lines.push(l))).toBe(2);
    expect(await main(['node', 'v2g', 'sim-chargers', '--url', 'ws://x/ocpp', '--protocol', '3.0'], (l) => lines.push(l), (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toMatch(/--url must be ws/);
    expect(lines.join('\n')).toMatch(/--protocol must be 1.6, 2.0.1 or 2.1/);
  });
});
