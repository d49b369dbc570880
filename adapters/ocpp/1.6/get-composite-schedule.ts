/**
 * OCPP 1.6 GetCompositeSchedule (CSMS -> charge point): used to re-sync after a reconnect and by tests.
 *
 * Writes: connectorId, duration (s), chargingRateUnit (W | A, optional)
 * Reads:  status (Accepted | Rejected), scheduleStart, chargingSchedule.{duration, chargingRateUnit,
 *         chargingSchedulePeriod[].{startPeriod, limit, numberPhases}}
 */
import { isoUtc, parseUtcMs } from '../clock.ts';
import type { RateUnit } from '../capabilities.ts';
import type { Composite } from '../composite-schedule.ts';
import type { OcppCall, ReportedComposite } from '../version-mapping.ts';
import type { ChargingSchedule16 } from './set-charging-profile.ts';

export interface GetCompositeScheduleConf16 {
  status: 'Accepted' | 'Rejected';
  connectorId?: number;
  scheduleStart?: string;
  chargingSchedule?: ChargingSchedule16;
}

export function decodeCompositeSchedule16(conf: GetCompositeScheduleConf16): ReportedComposite | undefined {
  const s = conf.chargingSchedule;
  const start = parseUtcMs(conf.scheduleStart ?? s?.startSchedule);
  if (conf.status !== 'Accepted' || !s || start === undefined) return undefined;
  return {
    startUtcMs: start,
    durationS: s.duration ?? 0,
    rateUnit: s.chargingRateUnit,
    periods: s.chargingSchedulePeriod.map((p) => ({ startPeriodS: p.startPeriod, limit: p.limit, ...(p.numberPhases !== undefined ? { numberPhases: p.numberPhases } : {}) })),
  };
}

/** Simulator side: the answer for a computed composite (periods without a limit are left out). */
export function encodeCompositeSchedule16(connectorId: number, c: Composite): GetCompositeScheduleConf16 {
  const periods = c.periods.filter((p) => p.target !== undefined || p.limit !== undefined)
    .map((p) => ({ startPeriod: p.startPeriodS, limit: (p.target ?? p.limit)! }));
  if (periods.length === 0) return { status: 'Rejected' };
  return {
    status: 'Accepted',
    connectorId,
    scheduleStart: isoUtc(c.startUtcMs),
    chargingSchedule: { duration: c.durationS, startSchedule: isoUtc(c.startUtcMs), chargingRateUnit: c.rateUnit, chargingSchedulePeriod: periods },
  };
}

export async function getCompositeSchedule16(call: OcppCall, connectorId: number, durationS: number, unit?: RateUnit): Promise<ReportedComposite | undefined> {
  const conf = (await call('GetCompositeSchedule', { connectorId, duration: durationS, ...(unit ? { chargingRateUnit: unit } : {}) })) as GetCompositeScheduleConf16;
  return decodeCompositeSchedule16(conf);
}
