/**
 * OCPP 2.1 NotifyEVChargingNeeds (charging station -> CSMS; ISO 15118-2/-20 charging needs with V2X).
 *
 * Reads:  as 2.0.1 (evseId, requestedEnergyTransfer, departureTime, acChargingParameters,
 *         dcChargingParameters), plus chargingNeeds.{availableEnergyTransfer[], controlMode,
 *         v2xChargingParameters.{min,max}{Charge,Discharge}Power (W), evTargetEnergyRequest,
 *         ev{Min,Max}EnergyRequest, ev{Min,Max}V2XEnergyRequest (Wh), targetSoC (%)}
 * Writes: status = Accepted
 * The EV is bidirectional when requestedEnergyTransfer or availableEnergyTransfer has a *_BPT mode.
 */
import type { V2xParameters } from '../csms-port.ts';
import type { InboundContext } from '../version-mapping.ts';
import { chargingNeedsOf, type ChargingNeedsWire } from '../2.0.1/notify-ev-charging-needs.ts';

export interface V2xChargingParametersWire {
  minChargePower?: number;
  maxChargePower?: number;
  minDischargePower?: number;
  maxDischargePower?: number;
  evTargetEnergyRequest?: number;
  evMinEnergyRequest?: number;
  evMaxEnergyRequest?: number;
  evMinV2XEnergyRequest?: number;
  evMaxV2XEnergyRequest?: number;
  targetSoC?: number;
}

export interface ChargingNeedsWire21 extends ChargingNeedsWire {
  availableEnergyTransfer?: string[];
  controlMode?: string;
  v2xChargingParameters?: V2xChargingParametersWire;
}

/** kW / kWh / % from the wire's W / Wh / %. */
export function v2xParametersOf(w: V2xChargingParametersWire): V2xParameters {
  const kilo = (x: number | undefined) => (x === undefined ? undefined : x / 1000);
  const entries: [keyof V2xParameters, number | undefined][] = [
    ['minChargePowerKw', kilo(w.minChargePower)],
    ['maxChargePowerKw', kilo(w.maxChargePower)],
    ['minDischargePowerKw', kilo(w.minDischargePower)],
    ['maxDischargePowerKw', kilo(w.maxDischargePower)],
    ['evTargetEnergyRequestKwh', kilo(w.evTargetEnergyRequest)],
    ['evMinEnergyRequestKwh', kilo(w.evMinEnergyRequest)],
    ['evMaxEnergyRequestKwh', kilo(w.evMaxEnergyRequest)],
    ['evMinV2xEnergyRequestKwh', kilo(w.evMinV2XEnergyRequest)],
    ['evMaxV2xEnergyRequestKwh', kilo(w.evMaxV2XEnergyRequest)],
    ['targetSocPct', w.targetSoC],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as V2xParameters;
}

export async function notifyEvChargingNeeds21(ctx: InboundContext, req: { evseId: number; chargingNeeds: ChargingNeedsWire21 }) {
  const needs = req.chargingNeeds;
  const base = chargingNeedsOf(ctx, req.evseId, needs);
  const v2x = needs.v2xChargingParameters ? v2xParametersOf(needs.v2xChargingParameters) : undefined;
  const available = needs.availableEnergyTransfer;
  const bidirectional = [needs.requestedEnergyTransfer, ...(available ?? [])].some((m) => m.includes('BPT'));
  await ctx.chargingNeeds({
    ...base,
    ...(base.energyAmountKwh === undefined && v2x?.evTargetEnergyRequestKwh !== undefined ? { energyAmountKwh: v2x.evTargetEnergyRequestKwh } : {}),
    ...(base.evMaxChargePowerKw === undefined && v2x?.maxChargePowerKw !== undefined ? { evMaxChargePowerKw: v2x.maxChargePowerKw } : {}),
    ...(available ? { availableEnergyTransfer: available } : {}),
    evBidirectional: bidirectional,
    ...(v2x ? { v2x } : {}),
  });
  return { status: 'Accepted' };
}
