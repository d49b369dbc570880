/**
 * OCPP 2.x TransactionEvent and id tokens (adapters/ocpp/2.0.1/transaction-event.ts): a token on Started,
 * or on the first event of a transaction we do not know, is checked with `authorize` (and starts the
 * session with it); a token on Updated of a running transaction goes to `transactionIdToken`, whose
 * answer is sent back, so the service can stop planning a session whose token it refuses.
 */
import { describe, expect, it } from 'vitest';
import { transactionEvent2x, type TransactionEventReq2x } from '../../../adapters/ocpp/2.0.1/transaction-event.ts';
import type { InboundContext } from '../../../adapters/ocpp/version-mapping.ts';

function fakeContext(known: Record<string, number>) {
  const calls: string[] = [];
  const ctx = {
    nowUtcMs: () => Date.parse('2026-11-24T08:00:00Z'),
    evseOfTransaction: (id: string) => known[id],
    authorize: async (idTag: string) => (calls.push(`authorize ${idTag}`), 'Accepted' as const),
    transactionIdToken: async (e: { evseId: number; transactionId: string; idTag: string }) => (calls.push(`transactionIdToken ${e.evseId} ${e.transactionId} ${e.idTag}`), 'Invalid' as const),
    transactionStarted: async (e: { transactionId: string; idTag?: string }) => void calls.push(`started ${e.transactionId} ${e.idTag ?? '-'}`),
    transactionEnded: async (e: { transactionId: string }) => void calls.push(`ended ${e.transactionId}`),
    meterReading: async () => undefined,
  } as unknown as InboundContext;
  return { ctx, calls };
}

const event = (eventType: TransactionEventReq2x['eventType'], transactionId: string, idToken?: string): TransactionEventReq2x => ({
  eventType,
  timestamp: '2026-11-24T08:00:00Z',
  triggerReason: 'Authorized',
  seqNo: 1,
  transactionInfo: { transactionId },
  evse: { id: 2 },
  ...(idToken ? { idToken: { idToken, type: 'ISO14443' } } : {}),
});

describe('TransactionEvent id tokens', () => {
  it('Updated of a running transaction: the token goes to transactionIdToken and its answer is sent', async () => {
    const { ctx, calls } = fakeContext({ 'tx-1': 2 });
    expect(await transactionEvent2x(ctx, event('Updated', 'tx-1', 'CARD-9876'))).toEqual({ idTokenInfo: { status: 'Invalid' } });
    expect(calls).toEqual(['transactionIdToken 2 tx-1 CARD-9876']);
  });

  it('Started (and the first event of an unknown transaction) start the session with the token and answer authorize', async () => {
    const { ctx, calls } = fakeContext({});
    expect(await transactionEvent2x(ctx, event('Started', 'tx-2', 'CARD-1'))).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await transactionEvent2x(ctx, event('Updated', 'tx-3', 'CARD-2'))).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(calls).toEqual(['started tx-2 CARD-1', 'authorize CARD-1', 'started tx-3 CARD-2', 'authorize CARD-2']);
  });

  it('no token: an empty answer and no authorization call', async () => {
    const { ctx, calls } = fakeContext({ 'tx-1': 2 });
    expect(await transactionEvent2x(ctx, event('Updated', 'tx-1'))).toEqual({});
    expect(calls).toEqual([]);
  });
});
