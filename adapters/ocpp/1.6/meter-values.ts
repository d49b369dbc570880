/**
 * OCPP 1.6 MeterValues (charge point -> CSMS).
 *
 * Reads:  connectorId, transactionId (optional), meterValue[].timestamp,
 *         meterValue[].sampledValue[].{value (decimal text), measurand, unit, phase}:
 *         Power.Active.Import / Power.Active.Export (W | kW), Energy.Active.Import.Register /
 *         Energy.Active.Export.Register (Wh | kWh), SoC (Percent)
 * Writes: {} (empty confirmation)
 */
import { parseUtcMs } from '../clock.ts';
import { hasReading, readingOf, type MeterReading, type SampledValue } from '../meter-values.ts';
import { requireNonNegativeId } from '../inbound-violation.ts';
import type { InboundContext } from '../version-mapping.ts';

export interface SampledValue16 {
  value: string;
  measurand?: string;
  unit?: string;
  phase?: string;
  context?: string;
}

export interface MeterValue16 {
  timestamp: string;
  sampledValue: SampledValue16[];
}

/** Readings (with their instants) of 1.6 meter values; entries without a usable value are skipped. */
export function meterValueReadings16(values: readonly MeterValue16[]): (MeterReading & { atUtcMs: number })[] {
  const out: (MeterReading & { atUtcMs: number })[] = [];
  for (const mv of values) {
    const atUtcMs = parseUtcMs(mv.timestamp);
    if (atUtcMs === undefined) continue;
    const sampled: SampledValue[] = [];
    for (const s of mv.sampledValue) {
      const value = Number(s.value);
      if (!Number.isFinite(value)) continue;
      sampled.push({ value, ...(s.measurand ? { measurand: s.measurand } : {}), ...(s.unit ? { unit: s.unit } : {}), ...(s.phase ? { phase: s.phase } : {}) });
    }
    const reading = readingOf(sampled);
    if (hasReading(reading)) out.push({ atUtcMs, ...reading });
  }
  return out;
}

export async function meterValues16(ctx: InboundContext, req: { connectorId: number; transactionId?: number; meterValue: MeterValue16[] }) {
  requireNonNegativeId('connectorId', req.connectorId);
  const transactionId = req.transactionId !== undefined ? String(req.transactionId) : ctx.transactionOnEvse(req.connectorId);
  for (const r of meterValueReadings16(req.meterValue)) {
    await ctx.meterReading({ evseId: req.connectorId, ...(transactionId !== undefined ? { transactionId } : {}), ...r });
  }
  return {};
}
