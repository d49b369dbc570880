/**
 * Our profiles are cleared (issue 11, item 11): when a transaction ends its TxProfile, and when a plan is
 * withdrawn (the plan no longer has the running transaction's session) the transaction's profile, with
 * ClearChargingProfile by id in each version's message shape. The delivery view says `cleared` and why; a
 * failed clear is `not-cleared` (V2G_ERR_OCPP_CLEAR_FAILED), retried, then `failed`: never silent.
 * 1.6, 2.0.1 and 2.1 against the simulated charger over real sockets.
 */
import { createRPCError } from 'ocpp-rpc';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSessionIdOf } from '../../../adapters/ocpp/charger-record.ts';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import type { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { closeAll, readyChargerWithSession, SLOT_MS, startTestServer, T0, waitFor } from './ocpp-test-kit.ts';

const clears = (cp: SimCharger) => cp.received.filter((r) => r.action === 'ClearChargingProfile');
const setProfiles = (cp: SimCharger) => cp.received.filter((r) => r.action === 'SetChargingProfile');

describe.each(['1.6', '2.0.1', '2.1'] as OcppVersion[])('OCPP %s: profiles are cleared', (version) => {
  afterEach(closeAll);
  const byId = (id: number) => (version === '1.6' ? { id } : { chargingProfileId: id });

  it('at transaction end its TxProfile is cleared by id; the view says cleared and why; it is never resent', async () => {
    const t = await startTestServer({ chargers: { CP1: {} } });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    const txId = cp.evse(1).transactionId!;
    t.server.applyPlan({ planId: 'p1', evses: [{ chargerId: 'CP1', evseId: 1, sessionId: defaultSessionIdOf('CP1', 1, txId), startUtcMs: T0, slotMs: SLOT_MS, powerKw: [7, 7] }] });
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
    await cp.unplug();
    const report = await waitFor(() => (t.port.delivery('CP1', 1)?.status === 'cleared' ? t.port.delivery('CP1', 1) : undefined));
    expect(clears(cp).map((r) => r.params)).toEqual([byId(91001)]);
    // The charger dropped the TxProfile itself at transaction end (OCPP): Unknown counts as cleared.
    expect(clears(cp)[0]!.reply).toEqual({ status: 'Unknown' });
    expect(report.reason).toBe(`transaction ${txId} ended: profile(s) 91001 cleared`);
    expect(await t.registry.getSingleMetricAsString('v2g_ocpp_profile_clears_total')).toContain('outcome="Unknown"} 1');
    t.server.applyPlan({ planId: 'p2', evses: [{ chargerId: 'CP1', evseId: 1, sessionId: defaultSessionIdOf('CP1', 1, txId), startUtcMs: T0, slotMs: SLOT_MS, powerKw: [5, 5] }] });
    await t.server.whenIdle();
    expect(setProfiles(cp)).toHaveLength(1);
    expect(clears(cp)).toHaveLength(1);
  });

  it('a withdrawn plan (the plan covers the charger and no longer has the session) clears the running transaction\'s profile', async () => {
    const t = await startTestServer({ chargers: { CP1: {} }, portOptions: { firstLimitKw: 3.7 } });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    const txId = cp.evse(1).transactionId!;
    t.server.applyPlan({ planId: 'p1', evses: [{ chargerId: 'CP1', evseId: 1, sessionId: defaultSessionIdOf('CP1', 1, txId), startUtcMs: T0, slotMs: SLOT_MS, powerKw: [7, 7] }] });
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied' && t.port.delivery('CP1', 1)?.planId === 'p1');
    expect(cp.store.list().map((p) => p.purpose)).toContain('TxProfile');
    // A plan that does not cover CP1 leaves it alone (upsert) ...
    t.server.applyPlan({ planId: 'p2', evses: [] });
    await t.server.whenIdle();
    expect(clears(cp)).toHaveLength(0);
    // ... one that covers it and has no schedule for the session withdraws it.
    t.server.applyPlan({ planId: 'p3', evses: [], chargers: ['CP1'] });
    const report = await waitFor(() => (t.port.delivery('CP1', 1)?.status === 'cleared' ? t.port.delivery('CP1', 1) : undefined));
    expect(clears(cp).map((r) => [r.params, r.reply])).toEqual([[byId(91001), { status: 'Accepted' }]]);
    expect(cp.store.list().filter((p) => p.purpose === 'TxProfile')).toEqual([]);
    expect(report).toMatchObject({ planId: 'p3', reason: "plan p3 withdrew the schedule of the running transaction's session: profile(s) 91001 cleared" });
    // The withdrawn session's first limit is not sent instead.
    expect(setProfiles(cp)).toHaveLength(2);
  });

  it('a failed clear is not-cleared with V2G_ERR_OCPP_CLEAR_FAILED, retried with backoff, then failed', async () => {
    const t = await startTestServer({ chargers: { CP1: {} }, backoff: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 3 } });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    const txId = cp.evse(1).transactionId!;
    t.server.applyPlan({ planId: 'p1', evses: [{ chargerId: 'CP1', evseId: 1, transactionId: txId, startUtcMs: T0, slotMs: SLOT_MS, powerKw: [7, 7] }] });
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
    cp.overrideHandler('ClearChargingProfile', async () => {
      throw createRPCError('InternalError', 'profile store locked') as Error;
    });
    const reports: string[] = [];
    const original = t.port.planDelivery.bind(t.port);
    t.port.planDelivery = async (r) => {
      reports.push(`${r.status}:${r.code ?? ''}:${r.attempts}`);
      return original(r);
    };
    t.server.applyPlan({ planId: 'p2', evses: [], chargers: ['CP1'] });
    const failed = await waitFor(() => (t.port.delivery('CP1', 1)?.status === 'failed' ? t.port.delivery('CP1', 1) : undefined));
    expect(reports).toEqual(['not-cleared:V2G_ERR_OCPP_CLEAR_FAILED:1', 'not-cleared:V2G_ERR_OCPP_CLEAR_FAILED:2', 'failed:V2G_ERR_OCPP_CLEAR_FAILED:3']);
    expect(failed.message).toMatch(/^ClearChargingProfile of TxProfile 91001 \(plan p2 withdrew the schedule of the running transaction's session\) failed: .*InternalError/);
    expect(clears(cp)).toHaveLength(3);
    expect(await t.registry.getSingleMetricAsString('v2g_ocpp_profile_clears_total')).toContain('outcome="Failed"} 3');
  });
});
