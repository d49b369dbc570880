/**
 * OCPP 2.0.1 MeterValues (charging station -> CSMS), and the meterValue[] of TransactionEvent. Same
 * fields in 2.1.
 *
 * Reads:  evseId, meterValue[].timestamp, meterValue[].sampledValue[].{value (number), measurand, phase,
 *         unitOfMeasure.{unit, multiplier}}: Power.Active.Import / Power.Active.Export (W | kW),
 *         Energy.Active.Import.Register / Energy.Active.Export.Register (Wh | kWh), SoC (Percent)
 * Writes: {} (empty response)
 */
import { parseUtcMs } from '../clock.ts';
import { hasReading, readingOf, type MeterReading } from '../meter-values.ts';
import { requireNonNegativeId } from '../inbound-violation.ts';
import type { InboundContext } from '../version-mapping.ts';

export interface SampledValue2x {
  value: number;
  measurand?: string;
  phase?: string;
  context?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
}

export interface MeterValue2x {
  timestamp: string;
  sampledValue: SampledValue2x[];
}

/** Readings (with their instants) of 2.x meter values. */
export function meterValueReadings2x(values: readonly MeterValue2x[]): (MeterReading & { atUtcMs: number })[] {
  const out: (MeterReading & { atUtcMs: number })[] = [];
  for (const mv of values) {
    const atUtcMs = parseUtcMs(mv.timestamp);
    if (atUtcMs === undefined) continue;
    const reading = readingOf(mv.sampledValue.map((s) => ({
      value: s.value,
      ...(s.measurand ? { measurand: s.measurand } : {}),
      ...(s.phase ? { phase: s.phase } : {}),
      ...(s.unitOfMeasure?.unit ? { unit: s.unitOfMeasure.unit } : {}),
      ...(s.unitOfMeasure?.multiplier !== undefined ? { multiplier: s.unitOfMeasure.multiplier } : {}),
    })));
    if (hasReading(reading)) out.push({ atUtcMs, ...reading });
  }
  return out;
}

export async function meterValues2x(ctx: InboundContext, req: { evseId: number; meterValue: MeterValue2x[] }) {
  requireNonNegativeId('evseId', req.evseId);
  const transactionId = ctx.transactionOnEvse(req.evseId);
  for (const r of meterValueReadings2x(req.meterValue)) {
    await ctx.meterReading({ evseId: req.evseId, ...(transactionId !== undefined ? { transactionId } : {}), ...r });
  }
  return {};
}
