/**
 * A charger's CALL that the schema allows but no transaction can be on (issue 11, item 7): a 1.6
 * StartTransaction on connector -1 or 0 (or above NumberOfConnectors), a 2.x TransactionEvent on EVSE or
 * connector 0: answered with CALLERROR PropertyConstraintViolation naming the field, never Accepted, no
 * session reported, and the session running on connector / EVSE 1 keeps its transaction and its profile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSessionIdOf } from '../../../adapters/ocpp/charger-record.ts';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import { closeAll, readyChargerWithSession, SLOT_MS, startTestServer, T0, waitFor } from './ocpp-test-kit.ts';

const now = new Date(T0).toISOString();

describe('OCPP 1.6: StartTransaction on a connector that is none', () => {
  afterEach(closeAll);

  it.each([-1, 0, 3])('connectorId %i: CALLERROR PropertyConstraintViolation naming connectorId; connector 1 keeps its session', async (connectorId) => {
    const t = await startTestServer({ chargers: { CP1: {} } });
    const cp = await readyChargerWithSession(t, 'CP1', '1.6');
    const txId = cp.evse(1).transactionId!;
    t.server.applyPlan({ planId: 'p1', evses: [{ chargerId: 'CP1', evseId: 1, sessionId: defaultSessionIdOf('CP1', 1, txId), startUtcMs: T0, slotMs: SLOT_MS, powerKw: [7] }] });
    await waitFor(() => t.port.delivery('CP1', 1)?.status === 'applied');
    const error = await cp.call('StartTransaction', { connectorId, idTag: 'TAG-2', meterStart: 0, timestamp: now }).then(() => undefined, (e: unknown) => e as { rpcErrorCode?: string; message?: string; details?: Record<string, unknown> });
    expect(error?.rpcErrorCode).toBe('PropertyConstraintViolation');
    expect(error?.message).toMatch(/connectorId: /);
    expect(error?.details).toMatchObject({ field: 'connectorId', code: 'V2G_ERR_OCPP_INBOUND_INVALID' });
    expect(t.port.eventsOf('sessionStarted')).toHaveLength(1);
    expect(t.server.deliveryStatus('CP1').map((r) => r.evseId)).toEqual([1]);
    expect(t.port.delivery('CP1', 1)).toMatchObject({ status: 'applied', planId: 'p1' });
    // The real session still ends normally.
    await cp.unplug();
    await waitFor(() => t.port.eventsOf('sessionEnded').some((e) => e.transactionId === txId));
  });

  it('StatusNotification and MeterValues with a negative connectorId are refused the same way', async () => {
    const t = await startTestServer({ chargers: { CP1: {} } });
    const cp = await readyChargerWithSession(t, 'CP1', '1.6');
    const status = await cp.call('StatusNotification', { connectorId: -1, errorCode: 'NoError', status: 'Available' }).catch((e: { rpcErrorCode?: string; details?: unknown }) => e);
    expect(status).toMatchObject({ rpcErrorCode: 'PropertyConstraintViolation', details: { field: 'connectorId' } });
    const meter = await cp.call('MeterValues', { connectorId: -2, meterValue: [{ timestamp: now, sampledValue: [{ value: '1' }] }] }).catch((e: { rpcErrorCode?: string }) => e);
    expect(meter).toMatchObject({ rpcErrorCode: 'PropertyConstraintViolation' });
  });
});

describe.each(['2.0.1', '2.1'] as OcppVersion[])('OCPP %s: TransactionEvent on an EVSE that is none', (version) => {
  afterEach(closeAll);

  it.each([['evse.id', { id: 0 }], ['evse.connectorId', { id: 1, connectorId: 0 }]] as const)('%s 0: CALLERROR PropertyConstraintViolation; EVSE 1 keeps its transaction', async (field, evse) => {
    const t = await startTestServer({ chargers: { CP1: {} } });
    const cp = await readyChargerWithSession(t, 'CP1', version);
    const txId = cp.evse(1).transactionId!;
    const error = await cp.call('TransactionEvent', {
      eventType: 'Started', timestamp: now, triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: 'tx-bogus' }, evse,
    }).catch((e: { rpcErrorCode?: string; details?: unknown }) => e);
    expect(error).toMatchObject({ rpcErrorCode: 'PropertyConstraintViolation', details: { field } });
    expect(t.port.eventsOf('sessionStarted').map((e) => e.transactionId)).toEqual([txId]);
    expect(t.server.deliveryStatus('CP1').map((r) => r.evseId)).toEqual([1]);
  });
});
