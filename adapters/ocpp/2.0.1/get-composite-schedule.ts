/**
 * OCPP 2.0.1 GetCompositeSchedule (CSMS -> charging station): re-sync after a reconnect, and tests. 2.1
 * uses the same frame; its periods may carry setpoint, dischargeLimit and operationMode.
 *
 * Writes: evseId, duration (s), chargingRateUnit (W | A, optional)
 * Reads:  status (Accepted | Rejected), schedule.{evseId, duration, scheduleStart, chargingRateUnit,
 *         chargingSchedulePeriod[].{startPeriod, limit, numberPhases, setpoint, dischargeLimit,
 *         operationMode}}
 */
import { isoUtc, parseUtcMs } from '../clock.ts';
import type { RateUnit } from '../capabilities.ts';
import type { Composite } from '../composite-schedule.ts';
import type { OcppCall, ReportedComposite } from '../version-mapping.ts';
import { decodePeriod2x, type PeriodWire } from './set-charging-profile.ts';

export interface GetCompositeScheduleConf2x {
  status: 'Accepted' | 'Rejected';
  schedule?: { evseId: number; duration: number; scheduleStart: string; chargingRateUnit: 'W' | 'A'; chargingSchedulePeriod: PeriodWire[] };
}

export function decodeCompositeSchedule2x(conf: GetCompositeScheduleConf2x): ReportedComposite | undefined {
  const s = conf.schedule;
  const start = parseUtcMs(s?.scheduleStart);
  if (conf.status !== 'Accepted' || !s || start === undefined) return undefined;
  return { startUtcMs: start, durationS: s.duration, rateUnit: s.chargingRateUnit, periods: s.chargingSchedulePeriod.map(decodePeriod2x) };
}

/** Simulator side. `v2x` adds the 2.1 setpoint fields; pieces without any value are left out. */
export function encodeCompositeSchedule2x(evseId: number, c: Composite, v2x: boolean): GetCompositeScheduleConf2x {
  const periods: PeriodWire[] = [];
  for (const p of c.periods) {
    const value = p.target ?? p.limit;
    if (value === undefined) continue;
    if (v2x && p.operationMode === 'CentralSetpoint') {
      periods.push({ startPeriod: p.startPeriodS, operationMode: 'CentralSetpoint', setpoint: value, ...(value < 0 ? { dischargeLimit: value } : {}), ...(p.limit !== undefined ? { limit: p.limit } : {}) });
    } else periods.push({ startPeriod: p.startPeriodS, limit: value });
  }
  if (periods.length === 0) return { status: 'Rejected' };
  return { status: 'Accepted', schedule: { evseId, duration: c.durationS, scheduleStart: isoUtc(c.startUtcMs), chargingRateUnit: c.rateUnit, chargingSchedulePeriod: periods } };
}

export async function getCompositeSchedule2x(call: OcppCall, evseId: number, durationS: number, unit?: RateUnit): Promise<ReportedComposite | undefined> {
  const conf = (await call('GetCompositeSchedule', { evseId, duration: durationS, ...(unit ? { chargingRateUnit: unit } : {}) })) as GetCompositeScheduleConf2x;
  return decodeCompositeSchedule2x(conf);
}
