/**
 * CredentialRevocation (adapters/service/credential-revocation.ts) on a ManualClock: chargers whose
 * credentials are deleted or changed after they connected are closed at the next sweep; the others stay.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import { CredentialRevocation } from '../../../adapters/service/credential-revocation.ts';
import type { ChargerCredentials } from '../../../adapters/store/charger-credentials.ts';
import { MemoryChargerCredentials } from '../../../adapters/store/memory-charger-credentials.ts';

const T0 = Date.parse('2025-06-02T08:00:00Z');
const quiet = { info: () => undefined, warn: () => undefined };

async function setup(credentials: Pick<ChargerCredentials, 'get'> = new MemoryChargerCredentials({ hashCost: 1024 })) {
  const clock = new ManualClock(T0);
  const closed: [string, string][] = [];
  const held = new Set<string>();
  const revocation = new CredentialRevocation({
    credentials, timers: clock, intervalMs: 1_000, log: quiet,
    disconnect: async (id, reason) => {
      if (!held.delete(id)) return false;
      closed.push([id, reason]);
      return true;
    },
  });
  const connect = (id: string) => {
    held.add(id);
    revocation.connected(id, clock.nowUtcMs());
  };
  return { clock, closed, revocation, connect };
}

describe('credential revocation', () => {
  it('closes a charger whose credentials were deleted or changed after it connected, at the next sweep', async () => {
    const store = new MemoryChargerCredentials({ hashCost: 1024 });
    for (const id of ['CP-1', 'CP-2', 'CP-3']) await store.setPassword(id, `${id}-password-0001`, 'api', T0 - 1_000);
    const { clock, closed, connect } = await setup(store);
    for (const id of ['CP-1', 'CP-2', 'CP-3']) connect(id);
    await clock.advanceBy(1_000);
    expect(closed).toEqual([]);
    await store.delete('CP-1');
    await store.setPassword('CP-2', 'CP-2-password-0002', 'api', clock.nowUtcMs() + 1);
    await clock.advanceBy(500);
    expect(closed).toEqual([]); // not before the sweep
    await clock.advanceBy(500);
    expect(closed).toEqual([
      ['CP-1', 'credentials revoked'],
      ['CP-2', 'credentials changed'],
    ]);
    await clock.advanceBy(5_000);
    expect(closed).toHaveLength(2); // CP-3 stays; the others are not closed twice
  });

  it('a charger that reconnects with the new password stays', async () => {
    const store = new MemoryChargerCredentials({ hashCost: 1024 });
    await store.setPassword('CP-1', 'CP-1-password-0001', 'api', T0);
    const { clock, closed, connect, revocation } = await setup(store);
    connect('CP-1');
    await store.setPassword('CP-1', 'CP-1-password-0002', 'api', T0 + 10);
    await clock.advanceBy(20);
    revocation.disconnected('CP-1');
    connect('CP-1'); // reconnected after the change
    await clock.advanceBy(2_000);
    expect(closed).toEqual([]);
  });

  it('skips a sweep when the credentials store cannot be read, and tries again at the next', async () => {
    let down = true;
    const store = new MemoryChargerCredentials({ hashCost: 1024 });
    const flaky: Pick<ChargerCredentials, 'get'> = { get: async (id) => (down ? Promise.reject(new Error('Redis is unavailable')) : store.get(id)) };
    const { clock, closed, connect } = await setup(flaky);
    connect('CP-1'); // has no credentials at all
    await clock.advanceBy(1_000);
    expect(closed).toEqual([]);
    down = false;
    await clock.advanceBy(1_000);
    expect(closed).toEqual([['CP-1', 'credentials revoked']]);
  });
});
