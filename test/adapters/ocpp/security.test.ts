/**
 * Security: HTTP Basic per charger with hashed secrets (profile 1), TLS with a configured certificate
 * (profile 2, a self-signed certificate made with openssl in a temp dir), unknown chargers, paths and
 * identities, subprotocol negotiation, and the message size limit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from './self-signed-cert.ts';
import { RPCClient } from 'ocpp-rpc';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { strictValidators } from '../../../adapters/ocpp/schema-validators.ts';
import { closeAll, startCharger, startTestServer, waitFor } from './ocpp-test-kit.ts';
import { describeNeeding } from '../../ci-env.ts';

const clients: RPCClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close({ force: true }).catch(() => undefined);
  await closeAll();
});

function rawClient(url: string, identity: string, protocols: string[], extra: Record<string, unknown> = {}): RPCClient {
  const client = new RPCClient({ endpoint: url, identity, protocols, reconnect: false, strictMode: true, strictModeValidators: strictValidators(), ...extra } as never);
  clients.push(client);
  return client;
}

describe('security profile 1: HTTP Basic per charger, secrets hashed at rest', () => {
  it('the right password connects; a wrong one, none, or an unknown charger get 401', async () => {
    const t = await startTestServer({ securityProfile: 1, chargers: { CP1: { password: 'correct horse battery staple' } } });
    const ok = startCharger({ id: 'CP1', version: '1.6', password: 'correct horse battery staple' }, t.server, t.clock);
    await ok.start();
    await waitFor(() => t.server.chargerPhase('CP1') === 'ready');

    await expect(rawClient(t.server.url, 'CP1', ['ocpp1.6'], { password: 'wrong' }).connect()).rejects.toMatchObject({ code: 401 });
    await expect(rawClient(t.server.url, 'CP1', ['ocpp1.6']).connect()).rejects.toMatchObject({ code: 401 });
    await expect(rawClient(t.server.url, 'CP9', ['ocpp1.6'], { password: 'anything' }).connect()).rejects.toMatchObject({ code: 401 });
    const refused = await t.registry.getSingleMetricAsString('v2g_ocpp_refused_connections_total');
    expect(refused).toContain('reason="password"} 1');
    expect(refused).toContain('reason="no-password"} 1');
    expect(refused).toContain('reason="unknown"} 1');
  });

  it('only a salted scrypt hash of the secret is stored', async () => {
    const t = await startTestServer({ securityProfile: 1, chargers: { CP1: { password: 'secret-1234567890' } } });
    const stored = t.port.storedSecret('CP1')!;
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('secret-1234567890');
    expect(await t.port.verifyChargerPassword('CP1', Buffer.from('secret-1234567890'))).toBe(true);
    expect(await t.port.verifyChargerPassword('CP1', Buffer.from('secret-1234567891'))).toBe(false);
  });
});

describe('unknown chargers, paths and identities', () => {
  it('an unknown charger is refused (404) unless auto-registration is on', async () => {
    const closed = await startTestServer();
    await expect(rawClient(closed.server.url, 'NEW-1', ['ocpp2.0.1']).connect()).rejects.toMatchObject({ code: 404 });
    const open = await startTestServer({ autoRegister: true });
    const cp = startCharger({ id: 'NEW-1', version: '2.0.1' }, open.server, open.clock);
    await cp.start();
    await waitFor(() => open.server.chargerPhase('NEW-1') === 'ready');
    expect(await open.port.chargerKnown('NEW-1')).toBe(true);
  });

  it('auto-registration with security profile 1 stores the first password (trust on first use)', async () => {
    const t = await startTestServer({ autoRegister: true, securityProfile: 1 });
    await rawClient(t.server.url, 'NEW-2', ['ocpp1.6'], { password: 'first-password-1' }).connect();
    expect(await t.port.verifyChargerPassword('NEW-2', Buffer.from('first-password-1'))).toBe(true);
    await expect(rawClient(t.server.url, 'NEW-2', ['ocpp1.6'], { password: 'other-password-2' }).connect()).rejects.toMatchObject({ code: 401 });
  });

  it('a wrong path (404) or a malformed identity (400) is refused', async () => {
    const t = await startTestServer({ autoRegister: true });
    await expect(rawClient(t.server.url.replace('/ocpp', '/other'), 'CP1', ['ocpp1.6']).connect()).rejects.toMatchObject({ code: 404 });
    await expect(rawClient(t.server.url, 'CP 1', ['ocpp1.6']).connect()).rejects.toMatchObject({ code: 400 });
    await expect(rawClient(t.server.url, 'X'.repeat(49), ['ocpp1.6']).connect()).rejects.toMatchObject({ code: 400 });
  });
});

describe('subprotocol negotiation', () => {
  it('picks the newest version both sides speak; refuses a charger with none in common', async () => {
    const t = await startTestServer({ autoRegister: true });
    const both = rawClient(t.server.url, 'CP-A', ['ocpp1.6', 'ocpp2.0.1']);
    await both.connect();
    expect(both.protocol).toBe('ocpp2.0.1');
    const only16 = await startTestServer({ autoRegister: true, versions: ['1.6'] });
    await expect(rawClient(only16.server.url, 'CP-B', ['ocpp2.1']).connect()).rejects.toMatchObject({ code: 400 });
  });
});

describe('message size limit', () => {
  it('a message over the limit closes the connection (1009)', async () => {
    const t = await startTestServer({ autoRegister: true, maxMessageBytes: 2048 });
    const client = rawClient(t.server.url, 'BIG-1', ['ocpp1.6']);
    await client.connect();
    const closed = new Promise<{ code: number }>((resolve) => client.once('close', resolve));
    await expect(client.call('DataTransfer', { vendorId: 'x', data: 'a'.repeat(4096) })).rejects.toThrow();
    expect((await closed).code).toBe(1009);
    const small = rawClient(t.server.url, 'BIG-2', ['ocpp1.6']);
    await small.connect();
    expect(await small.call('DataTransfer', { vendorId: 'x', data: 'a'.repeat(1000) })).toEqual({ status: 'UnknownVendorId' });
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describeNeeding('security profile 2: TLS with a configured certificate', hasOpenssl() ? undefined : 'openssl is not installed: apt-get install openssl', () => {
  let dir: string;
  let cert: string;
  let key: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'v2g-ocpp-tls-'));
    ({ cert, key } = selfSignedCertificate(dir));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a charger trusting the certificate connects over wss with its password; one that does not trust it cannot', async () => {
    const t = await startTestServer({ securityProfile: 2, tls: { cert, key }, chargers: { CP1: { password: 'tls-password-123' } } });
    expect(t.server.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    const cp = startCharger({ id: 'CP1', version: '2.0.1', password: 'tls-password-123', ca: cert }, t.server, t.clock);
    await cp.start();
    await waitFor(() => t.server.chargerPhase('CP1') === 'ready');
    await expect(rawClient(t.server.url, 'CP1', ['ocpp2.0.1'], { password: 'tls-password-123' }).connect()).rejects.toThrow(/self-signed|certificate/i);
    await expect(rawClient(t.server.url, 'CP1', ['ocpp2.0.1'], { password: 'wrong-password-1', wsOpts: { ca: cert } }).connect()).rejects.toMatchObject({ code: 401 });
  });

  it('profile 2 without a certificate is a configuration error', async () => {
    await expect(startTestServer({ securityProfile: 2 })).rejects.toThrow('V2G_ERR_OCPP_CONFIG');
  });
});
