/**
 * OCPP 2.0.1 NotifyEVChargingNeeds (charging station -> CSMS; ISO 15118 charging needs).
 *
 * Reads:  evseId, chargingNeeds.{requestedEnergyTransfer, departureTime,
 *         acChargingParameters.{energyAmount (Wh), evMaxCurrent (A per phase), evMaxVoltage},
 *         dcChargingParameters.{energyAmount (Wh), evMaxPower (W), stateOfCharge (%),
 *         evEnergyCapacity (Wh)}}
 * Writes: status = Accepted
 * Then:   chargingNeeds (departure, energy, SoC) -> the service re-plans with these targets.
 * AC power = evMaxCurrent x phases (from the transfer mode) x the configured voltage.
 */
import { parseUtcMs } from '../clock.ts';
import type { ChargingNeeds } from '../csms-port.ts';
import { requireOutletId } from '../inbound-violation.ts';
import type { InboundContext } from '../version-mapping.ts';

export interface ChargingNeedsWire {
  requestedEnergyTransfer: string;
  departureTime?: string;
  acChargingParameters?: { energyAmount: number; evMinCurrent: number; evMaxCurrent: number; evMaxVoltage: number };
  dcChargingParameters?: { evMaxCurrent: number; evMaxVoltage: number; energyAmount?: number; evMaxPower?: number; stateOfCharge?: number; evEnergyCapacity?: number };
}

function acPhases(mode: string): number | undefined {
  return mode === 'AC_single_phase' ? 1 : mode === 'AC_two_phase' ? 2 : mode === 'AC_three_phase' ? 3 : undefined;
}

/** The version-neutral needs of the 2.0.1 fields (2.1 adds to it). */
export function chargingNeedsOf(ctx: InboundContext, evseId: number, needs: ChargingNeedsWire): Omit<ChargingNeeds, 'chargerId'> {
  requireOutletId('evseId', evseId);
  const ac = needs.acChargingParameters;
  const dc = needs.dcChargingParameters;
  const energyWh = ac?.energyAmount ?? dc?.energyAmount;
  const departureUtcMs = parseUtcMs(needs.departureTime);
  const phases = acPhases(needs.requestedEnergyTransfer) ?? ctx.settings.phases;
  const maxKw = dc?.evMaxPower !== undefined ? dc.evMaxPower / 1000 : ac ? (ac.evMaxCurrent * phases * ctx.settings.voltageV) / 1000 : undefined;
  const transactionId = ctx.transactionOnEvse(evseId);
  return {
    evseId,
    ...(transactionId !== undefined ? { transactionId } : {}),
    atUtcMs: ctx.nowUtcMs(),
    ...(departureUtcMs !== undefined ? { departureUtcMs } : {}),
    ...(energyWh !== undefined ? { energyAmountKwh: energyWh / 1000 } : {}),
    ...(dc?.stateOfCharge !== undefined ? { socPct: dc.stateOfCharge } : {}),
    ...(dc?.evEnergyCapacity !== undefined ? { evCapacityKwh: dc.evEnergyCapacity / 1000 } : {}),
    ...(maxKw !== undefined ? { evMaxChargePowerKw: maxKw } : {}),
    requestedEnergyTransfer: needs.requestedEnergyTransfer,
    evBidirectional: needs.requestedEnergyTransfer.includes('BPT'),
  };
}

export async function notifyEvChargingNeeds201(ctx: InboundContext, req: { evseId: number; chargingNeeds: ChargingNeedsWire }) {
  await ctx.chargingNeeds(chargingNeedsOf(ctx, req.evseId, req.chargingNeeds));
  return { status: 'Accepted' };
}
