/**
 * The delivery loop against a scripted charger link, with fake timers: retry with backoff (never a tight
 * loop), fallback, give-up, idempotency, transaction end. No sockets.
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultCapabilities, defaultChargerSettings } from '../../../adapters/ocpp/capabilities.ts';
import type { ChargerLink } from '../../../adapters/ocpp/charger-link.ts';
import { evseOf, type ChargerRecord } from '../../../adapters/ocpp/charger-record.ts';
import { ManualClock } from '../../../adapters/clock.ts';
import type { PlanDeliveryReport } from '../../../adapters/ocpp/csms-port.ts';
import { OcppError } from '../../../adapters/ocpp/errors.ts';
import { createOcppMetrics } from '../../../adapters/ocpp/metrics.ts';
import { ChargerDelivery } from '../../../adapters/ocpp/profile-delivery.ts';
import type { ProfileSpec } from '../../../adapters/ocpp/profile-spec.ts';
import type { SetProfileResult } from '../../../adapters/ocpp/version-mapping.ts';
import { silentLogger } from './ocpp-test-kit.ts';

const T0 = Date.parse('2025-01-06T08:00:00Z');

interface Sent { readonly atMs: number; readonly spec: ProfileSpec }

function setup(answer: (spec: ProfileSpec) => Promise<SetProfileResult>, backoff = { initialDelayMs: 5_000, maxDelayMs: 60_000, factor: 2, jitter: 0, maxAttempts: 4 }, maxPeriods = 48, unmanagedAfter = 100) {
  const clock = new ManualClock(T0);
  const sent: Sent[] = [];
  const cleared: number[] = [];
  const reports: PlanDeliveryReport[] = [];
  const started = Date.now();
  const link: ChargerLink = {
    version: '1.6',
    call: async () => ({}),
    setChargingProfile: async (spec) => {
      sent.push({ atMs: Date.now() - started, spec });
      return answer(spec);
    },
    clearChargingProfile: async (c) => {
      cleared.push(c.profileId!);
      return 'Accepted';
    },
    getCompositeSchedule: async () => undefined,
  };
  const record: ChargerRecord = { chargerId: 'CP1', version: '1.6', phase: 'ready', capabilities: { ...defaultCapabilities, rateUnits: ['W'], maxStackLevel: 3, maxPeriods, discovered: true }, settings: defaultChargerSettings, evses: new Map() };
  const evse = evseOf(record, 1);
  evse.transactionId = '42';
  evse.schedules = [{ chargerId: 'CP1', evseId: 1, transactionId: '42', startUtcMs: T0, slotMs: 900_000, powerKw: [7, 3] }];
  let online = true;
  const metrics = createOcppMetrics(new Registry(), { connectedChargers: () => 1, deliveryStatusCounts: () => ({}) as never });
  const delivery = new ChargerDelivery(record, () => (online ? link : undefined), {
    clock, logger: silentLogger, metrics, port: { planDelivery: async (r) => void reports.push(r) }, backoff, random: () => 0.5, refreshAheadMs: 7_200_000, unmanagedAfter,
  });
  return { clock, sent, cleared, reports, record, evse, delivery, setOnline: (v: boolean) => (online = v) };
}

describe('ChargerDelivery', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the TxProfile once and reports it applied; the same plan again sends nothing', async () => {
    const s = setup(async () => ({ status: 'Accepted' }));
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.sent.map((x) => [x.spec.purpose, x.spec.transactionId, x.spec.stackLevel])).toEqual([['TxProfile', '42', 3]]);
    expect(s.evse.status).toBe('applied');
    s.delivery.kick();
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.sent).toHaveLength(1);
    expect(s.reports.map((r) => r.status)).toEqual(['applied']);
  });

  it('a refused TxProfile: fallback, then retries at 5, 10, 20 s (never a tight loop), then gives up', async () => {
    const s = setup(async (spec) => ({ status: spec.purpose === 'TxProfile' ? 'Rejected' : 'Accepted' }));
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.sent.map((x) => x.spec.purpose)).toEqual(['TxProfile', 'TxDefaultProfile']);
    expect(s.evse).toMatchObject({ status: 'fallback-applied', code: 'V2G_ERR_OCPP_PROFILE_REJECTED', attempts: 1, nextRetryUtcMs: T0 + 5_000 });

    await vi.advanceTimersByTimeAsync(4_999);
    await s.delivery.idle();
    expect(s.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await s.delivery.idle();
    expect(s.sent.map((x) => x.spec.purpose)).toEqual(['TxProfile', 'TxDefaultProfile', 'TxProfile']);
    expect(s.evse.attempts).toBe(2);

    await vi.advanceTimersByTimeAsync(10_000);
    await s.delivery.idle();
    await vi.advanceTimersByTimeAsync(20_000);
    await s.delivery.idle();
    const txTimes = s.sent.filter((x) => x.spec.purpose === 'TxProfile').map((x) => x.atMs);
    expect(txTimes).toEqual([0, 5_000, 15_000, 35_000]);
    expect(s.evse.status).toBe('failed');

    await vi.advanceTimersByTimeAsync(3_600_000);
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.sent.filter((x) => x.spec.purpose === 'TxProfile')).toHaveLength(4);
    expect(s.sent.filter((x) => x.spec.purpose === 'TxDefaultProfile')).toHaveLength(1);
  });

  it('persistent refusals across new plans make the EVSE unmanaged after a bounded number of tries; nothing more is sent', async () => {
    const s = setup(async () => ({ status: 'NotSupported' }), undefined, 48, 3);
    for (let plan = 1; plan <= 10; plan++) {
      s.evse.schedules = [{ ...s.evse.schedules[0]!, powerKw: [plan, plan] }];
      s.delivery.kick();
      await s.delivery.idle();
      await vi.advanceTimersByTimeAsync(60_000);
      await s.delivery.idle();
    }
    expect(s.sent.filter((x) => x.spec.purpose === 'TxProfile')).toHaveLength(3);
    expect(s.evse).toMatchObject({ status: 'unmanaged', code: 'V2G_ERR_OCPP_PROFILE_NOT_SUPPORTED', refusals: 3 });
    expect(s.reports.at(-1)).toMatchObject({ status: 'unmanaged', code: 'V2G_ERR_OCPP_PROFILE_NOT_SUPPORTED' });
    expect(s.evse.retryTimer).toBeUndefined();
  });

  it('CALLERROR NotImplemented makes the EVSE unmanaged at once; timeouts never do', async () => {
    const s = setup(async () => {
      throw new OcppError('V2G_ERR_OCPP_CALL_ERROR', 'CALLERROR NotImplemented', { rpcErrorCode: 'NotImplemented' });
    }, undefined, 48, 3);
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.evse).toMatchObject({ status: 'unmanaged', code: 'V2G_ERR_OCPP_CALL_ERROR' });
    expect(s.sent).toHaveLength(1);
    const t = setup(async () => {
      throw new OcppError('V2G_ERR_OCPP_TIMEOUT', 'no answer');
    }, undefined, 48, 1);
    t.delivery.kick();
    await t.delivery.idle();
    expect(t.evse.status).toBe('not-applied');
  });

  it('an accepted profile resets the refusals', async () => {
    let accept = false;
    const s = setup(async () => ({ status: accept ? 'Accepted' : 'Rejected' }), undefined, 48, 3);
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.evse.refusals).toBe(1);
    accept = true;
    await vi.advanceTimersByTimeAsync(5_000);
    await s.delivery.idle();
    expect(s.evse).toMatchObject({ status: 'applied', refusals: 0 });
  });

  it('a new plan during backoff is sent at once and resets the attempts', async () => {
    let accept = false;
    const s = setup(async () => ({ status: accept ? 'Accepted' : 'Rejected' }));
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.evse.status).toBe('not-applied');
    accept = true;
    s.evse.schedules = [{ ...s.evse.schedules[0]!, powerKw: [5, 5] }];
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.evse).toMatchObject({ status: 'applied', attempts: 0 });
    expect(s.evse.retryTimer).toBeUndefined();
  });

  it('after a fallback, an accepted TxProfile clears the fallback', async () => {
    let accept = false;
    const s = setup(async (spec) => ({ status: accept || spec.purpose === 'TxDefaultProfile' ? 'Accepted' : 'Rejected' }));
    s.delivery.kick();
    await s.delivery.idle();
    accept = true;
    await vi.advanceTimersByTimeAsync(5_000);
    await s.delivery.idle();
    expect(s.evse.status).toBe('applied');
    expect(s.cleared).toEqual([92_001]);
    expect(s.evse.installedFallback).toBeUndefined();
  });

  it.each([
    ['a timeout', new OcppError('V2G_ERR_OCPP_TIMEOUT', 'no answer'), 'V2G_ERR_OCPP_TIMEOUT'],
    ['a CALLERROR', new OcppError('V2G_ERR_OCPP_CALL_ERROR', 'CALLERROR NotImplemented'), 'V2G_ERR_OCPP_CALL_ERROR'],
  ])('%s marks the plan not applied with its code and schedules a retry', async (_name, error, code) => {
    const s = setup(async () => {
      throw error;
    });
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.evse).toMatchObject({ status: 'not-applied', code, attempts: 1 });
    expect(s.reports.at(-1)).toMatchObject({ status: 'not-applied', code, nextRetryUtcMs: T0 + 5_000 });
  });

  it('offline: pending and nothing sent; sent when the charger is back', async () => {
    const s = setup(async () => ({ status: 'Accepted' }));
    s.setOnline(false);
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.evse.status).toBe('pending');
    expect(s.sent).toHaveLength(0);
    s.setOnline(true);
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.evse.status).toBe('applied');
  });

  it('a profile cut to the maximum number of periods is refreshed by a timer once per slot, not at every re-plan', async () => {
    const s = setup(async () => ({ status: 'Accepted' }), undefined, 2);
    s.evse.schedules = [{ ...s.evse.schedules[0]!, powerKw: [1, 2, 3, 4] }];
    s.delivery.kick();
    await s.delivery.idle();
    const limits = () => s.sent.map((x) => x.spec.periods.map((p) => p.limit));
    expect(limits()).toEqual([[1000, 2000]]);
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.sent).toHaveLength(1);
    for (const expected of [[[1000, 2000], [2000, 3000]], [[1000, 2000], [2000, 3000], [3000, 4000]]]) {
      await s.clock.advanceBy(900_000);
      await vi.advanceTimersByTimeAsync(900_010);
      await s.delivery.idle();
      expect(limits()).toEqual(expected);
    }
    await s.clock.advanceBy(900_000);
    await vi.advanceTimersByTimeAsync(3_600_000);
    await s.delivery.idle();
    expect(s.sent).toHaveLength(3);
  });

  it('without a transaction the TxProfile is cleared, forgotten and never resent', async () => {
    const s = setup(async () => ({ status: 'Accepted' }));
    s.delivery.kick();
    await s.delivery.idle();
    delete s.evse.transactionId;
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.evse.installed).toBeUndefined();
    expect(s.evse.status).toBe('cleared');
    expect(s.evse.cleared).toEqual({ why: 'the transaction ended', profileIds: [91001] });
    s.delivery.kick();
    await s.delivery.idle();
    expect(s.sent).toHaveLength(1);
  });
});
