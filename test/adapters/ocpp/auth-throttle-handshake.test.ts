/**
 * Charger passwords (issue 11, item 9), over real sockets on security profile 1:
 * - 300 wrong passwords for one charger, then the right one: refused (429) while the back-off runs, admitted
 *   once it is over (per charger id, adapters/auth-throttle);
 * - wrong passwords for many ids from one source address block that address, for a known charger's right
 *   password too (per source address);
 * - an unknown id costs the same password check as a known id with a wrong password (the port checks
 *   against a dummy hash: constant-time refusal, test/adapters/store/charger-credentials-conformance.ts).
 * The throttle runs on the test's manual clock: no wall-clock waits.
 */
import { RPCClient } from 'ocpp-rpc';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultAuthThrottlePolicy } from '../../../adapters/auth-throttle/auth-throttle.ts';
import { MemoryAuthThrottle } from '../../../adapters/auth-throttle/memory-auth-throttle.ts';
import { ManualClock } from '../../../adapters/clock.ts';
import { strictValidators } from '../../../adapters/ocpp/schema-validators.ts';
import { closeAll, startTestServer, T0 } from './ocpp-test-kit.ts';

const clients: RPCClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close({ force: true }).catch(() => undefined);
  await closeAll();
});

/** The HTTP status of the handshake (101 = admitted). */
async function handshake(url: string, identity: string, password: string): Promise<number> {
  const client = new RPCClient({ endpoint: url, identity, protocols: ['ocpp2.0.1'], reconnect: false, strictMode: true, strictModeValidators: strictValidators(), password } as never);
  clients.push(client);
  try {
    await client.connect();
    return 101;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

async function securedServer() {
  const clock = new ManualClock(T0);
  const t = await startTestServer({ clock, securityProfile: 1, authThrottle: new MemoryAuthThrottle(clock), chargers: { CP1: { password: 'cp1-password-correct' } } });
  const checks: string[] = [];
  const verify = t.port.verifyChargerPassword.bind(t.port);
  t.port.verifyChargerPassword = async (id, password) => (checks.push(id), verify(id, password));
  return { t, clock, checks };
}

describe('OCPP charger passwords: back-off and constant-time refusal', () => {
  it('300 wrong passwords, then the right one: refused during the back-off, admitted after it', async () => {
    const { t, clock, checks } = await securedServer();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push(await handshake(t.server.url, 'CP1', `wrong-password-${String(i).padStart(4, '0')}`));
    // five free failures, the sixth starts the back-off; from then on no password is even checked
    expect(statuses.slice(0, 6)).toEqual(Array(6).fill(401));
    expect(statuses.slice(6).every((s) => s === 429)).toBe(true);
    expect(checks).toHaveLength(6);
    expect(await handshake(t.server.url, 'CP1', 'cp1-password-correct')).toBe(429);
    expect(checks).toHaveLength(6);
    await clock.advanceBy(defaultAuthThrottlePolicy.baseBlockMs);
    expect(await handshake(t.server.url, 'CP1', 'cp1-password-correct')).toBe(101);
  });

  it('wrong passwords for many ids from one address block that address, even for a known charger\'s right password', async () => {
    const { t, clock } = await securedServer();
    const free = defaultAuthThrottlePolicy.addressFreeFailures;
    for (let i = 0; i <= free; i++) expect(await handshake(t.server.url, `GUESS-${i}`, 'some-password-00001')).toBe(401);
    expect(await handshake(t.server.url, 'CP1', 'cp1-password-correct')).toBe(429);
    await clock.advanceBy(defaultAuthThrottlePolicy.baseBlockMs);
    expect(await handshake(t.server.url, 'CP1', 'cp1-password-correct')).toBe(101);
  });

  it('an unknown id is refused after the same password check as a known id with a wrong password', async () => {
    const { t, checks } = await securedServer();
    expect(await handshake(t.server.url, 'CP1', 'wrong-password-0001')).toBe(401);
    expect(await handshake(t.server.url, 'NOBODY-1', 'wrong-password-0001')).toBe(401);
    expect(checks).toEqual(['CP1', 'NOBODY-1']);
  });
});
