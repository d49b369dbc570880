/**
 * The delivery report of one EVSE (pure): the status, the plan in force (applied or not), what is in
 * force (own plan or safe first limit), since when and why. The delivery loop sends it whenever it
 * differs from the last one sent (ignoring `atUtcMs`); `OcppServer.deliveryStatus` answers the same.
 */
import type { ChargerRecord, EvseRecord } from './charger-record.ts';
import type { PlanDeliveryReport } from './csms-port.ts';

/** Why a status holds when no failure code explains it. */
function reasonOf(evse: EvseRecord): string | undefined {
  switch (evse.status) {
    case 'interim-applied':
      return evse.firstLimit?.reason;
    case 'waiting-for-plan':
      return 'a transaction runs whose session has no plan yet and no safe first limit is known: nothing is sent (never another session\'s plan)';
    case 'cleared':
      return evse.cleared ? `${evse.cleared.why}: profile(s) ${evse.cleared.profileIds.join(', ')} cleared` : undefined;
    case 'not-cleared':
      return evse.toClear?.[0]?.why;
    case 'waiting-for-transaction':
      return 'the plan is for a session whose transaction has not started on this EVSE';
    default:
      return undefined;
  }
}

export function deliveryReport(record: ChargerRecord, evse: EvseRecord, atUtcMs: number): PlanDeliveryReport {
  const spec = evse.installed ?? evse.failedDesired;
  const first = evse.status === 'interim-applied' && evse.firstLimit !== undefined;
  const reason = reasonOf(evse);
  return {
    chargerId: record.chargerId, evseId: evse.evseId, status: evse.status,
    ...(evse.planId !== undefined ? { planId: evse.planId } : {}),
    ...(evse.installed || evse.failedDesired ? { inForce: first ? 'first-limit' as const : 'plan' as const } : {}),
    ...(first ? { firstLimitKw: evse.firstLimit!.maxPowerKw } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(spec ? { purpose: spec.purpose, profileId: spec.id } : {}),
    ...(evse.code ? { code: evse.code } : {}), ...(evse.message ? { message: evse.message } : {}),
    attempts: evse.attempts, ...(evse.nextRetryUtcMs !== undefined ? { nextRetryUtcMs: evse.nextRetryUtcMs } : {}),
    ...(evse.statusSinceUtcMs !== undefined ? { sinceUtcMs: evse.statusSinceUtcMs } : {}),
    atUtcMs, ...(evse.truncated ? { truncated: true } : {}), ...(evse.dischargeClamped ? { dischargeClamped: true } : {}),
  };
}

/** The report without `atUtcMs`, for "did anything change". */
export function reportFingerprint(report: PlanDeliveryReport): string {
  const { atUtcMs: _at, ...rest } = report;
  return JSON.stringify(rest);
}
