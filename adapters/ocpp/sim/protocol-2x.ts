/**
 * The simulated charging station's OCPP 2.0.1 / 2.1 side (the same messages; 2.1 adds V2X).
 *
 * Sends (station -> CSMS):
 *   BootNotification{reason = PowerUp, chargingStation{vendorName, model, serialNumber, firmwareVersion}}
 *   StatusNotification{timestamp, connectorStatus (Available | Occupied), evseId, connectorId = 1}
 *   Authorize{idToken{idToken, type = Central}} (on request: SimCharger.authorize) -> reads idTokenInfo.status
 *   TransactionEvent Started{transactionInfo{transactionId, chargingState}, evse{id, connectorId},
 *     idToken{idToken (the vehicle's), type = Central}, meterValue[Energy.Active.Import.Register]} -> reads
 *     idTokenInfo.status
 *   NotifyEVChargingNeeds{evseId, chargingNeeds{requestedEnergyTransfer (AC_three_phase; 2.1 with a
 *     bidirectional EV on a V2X station: AC_BPT), departureTime, acChargingParameters{energyAmount Wh,
 *     evMinCurrent, evMaxCurrent A, evMaxVoltage}, 2.1: v2xChargingParameters{maxChargePower,
 *     maxDischargePower W, evTargetEnergyRequest Wh, targetSoC}}}
 *   TransactionEvent Updated (MeterValuePeriodic){meterValue[Power.Active.Import/Export W,
 *     Energy.Active.Import/Export.Register Wh, SoC Percent], transactionInfo.chargingState}
 *   TransactionEvent Ended{transactionInfo.stoppedReason, final meter value}
 * Answers (CSMS -> station):
 *   GetVariables -> SmartChargingCtrlr.{Enabled, Entries[ChargingProfiles], ProfileStackLevel, RateUnit,
 *     PeriodsPerSchedule}; 2.1 also V2XChargingCtrlr.{Enabled, SupportedOperationModes}; else
 *     UnknownComponent / UnknownVariable
 *   SetChargingProfile -> status + statusInfo{reasonCode, additionalInfo} (rules: sim-profile-store.ts)
 *   ClearChargingProfile -> status; GetCompositeSchedule -> status, schedule (2.1: setpoints)
 *   GetChargingProfiles -> Accepted | NoProfiles, then ReportChargingProfiles per EVSE
 *   RequestStopTransaction -> Accepted (then stops); RequestStartTransaction -> Rejected;
 *   TriggerMessage -> Accepted | NotImplemented (TransactionEvent: an Updated event, triggerReason Trigger,
 *     without evse, per running transaction); SetVariables -> Rejected each; Reset -> Rejected
 */
import { isoUtc } from '../clock.ts';
import { decodeClearChargingProfile2x, type ClearChargingProfileReq2x } from '../2.0.1/clear-charging-profile.ts';
import { encodeCompositeSchedule2x } from '../2.0.1/get-composite-schedule.ts';
import { decodeChargingProfile2x, encodeSetChargingProfile2x, period201, type SetChargingProfileReq2x } from '../2.0.1/set-charging-profile.ts';
import type { VariableRef } from '../2.0.1/get-variables.ts';
import { period21 } from '../2.1/set-charging-profile.ts';
import type { RateUnit } from '../capabilities.ts';
import type { ProfilePurpose } from '../profile-spec.ts';
import type { SimContext, SimEvse, SimProtocol } from './sim-context.ts';

const lastSentStatus = new WeakMap<SimEvse, string>();

function connectorStatusOf(status: string): string {
  return status === 'Available' ? 'Available' : 'Occupied';
}

function chargingStateOf(status: string): string {
  switch (status) {
    case 'Charging':
      return 'Charging';
    case 'SuspendedEVSE':
      return 'SuspendedEVSE';
    case 'SuspendedEV':
      return 'SuspendedEV';
    default:
      return 'EVConnected';
  }
}

function variableValue(ctx: SimContext, ref: VariableRef): string | 'UnknownComponent' | 'UnknownVariable' {
  const c = ctx.reported;
  if (ref.component.name === 'SmartChargingCtrlr') {
    const values: Record<string, string> = {
      Enabled: String(c.smartCharging),
      Entries: String(c.maxProfiles),
      ProfileStackLevel: String(c.maxStackLevel),
      RateUnit: c.rateUnits.join(','),
      PeriodsPerSchedule: String(c.maxPeriods),
    };
    return values[ref.variable.name] ?? 'UnknownVariable';
  }
  if (ref.component.name === 'V2XChargingCtrlr' && ctx.version === '2.1') {
    const values: Record<string, string> = { Enabled: String(c.v2x), SupportedOperationModes: c.v2x ? 'ChargingOnly,CentralSetpoint' : 'ChargingOnly' };
    return values[ref.variable.name] ?? 'UnknownVariable';
  }
  return 'UnknownComponent';
}

function sampledValues(evse: SimEvse) {
  return [
    { value: Math.max(0, Math.round(evse.powerW)), measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
    { value: Math.max(0, Math.round(-evse.powerW)), measurand: 'Power.Active.Export', unitOfMeasure: { unit: 'W' } },
    { value: Math.round(evse.importWh), measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
    { value: Math.round(evse.exportWh), measurand: 'Energy.Active.Export.Register', unitOfMeasure: { unit: 'Wh' } },
    ...(evse.vehicle ? [{ value: evse.vehicle.socPct, measurand: 'SoC', unitOfMeasure: { unit: 'Percent' } }] : []),
  ];
}

async function chargingNeeds(ctx: SimContext, evse: SimEvse): Promise<void> {
  const v = evse.vehicle;
  if (!v) return;
  const c = ctx.config;
  const bpt = ctx.version === '2.1' && c.v2x && v.bidirectional;
  const energyWh = Math.max(0, Math.round((v.spec.targetEnergyKwh - v.energyKwh) * 1000));
  const evMaxCurrent = Math.max(6, Math.round((v.spec.maxChargeKw * 1000) / (c.voltageV * c.phases)));
  await ctx.call('NotifyEVChargingNeeds', {
    evseId: evse.evseId,
    chargingNeeds: {
      requestedEnergyTransfer: bpt ? 'AC_BPT' : 'AC_three_phase',
      departureTime: isoUtc(v.spec.departureUtcMs),
      acChargingParameters: { energyAmount: energyWh, evMinCurrent: 6, evMaxCurrent, evMaxVoltage: 400 },
      ...(ctx.version === '2.1' ? {
        ...(bpt ? { availableEnergyTransfer: ['AC_three_phase', 'AC_BPT'] } : {}),
        v2xChargingParameters: {
          maxChargePower: v.spec.maxChargeKw * 1000,
          ...(bpt ? { maxDischargePower: v.spec.maxDischargeKw * 1000 } : {}),
          evTargetEnergyRequest: energyWh,
          targetSoC: Math.min(100, Math.round((v.spec.targetEnergyKwh / v.spec.capacityKwh) * 100)),
        },
      } : {}),
    },
  });
}

export const simProtocol2x: SimProtocol = {
  async boot(ctx) {
    await ctx.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V2G-Sim', model: `SimCharger-${ctx.version}`, serialNumber: ctx.id.slice(0, 25), firmwareVersion: '1.0.0' } });
    for (const evse of ctx.evses()) {
      lastSentStatus.delete(evse);
      await this.connectorStatus(ctx, evse);
    }
  },

  async connectorStatus(ctx, evse) {
    const status = connectorStatusOf(evse.status);
    if (lastSentStatus.get(evse) === status) return;
    lastSentStatus.set(evse, status);
    await ctx.call('StatusNotification', { timestamp: isoUtc(ctx.nowUtcMs()), connectorStatus: status, evseId: evse.evseId, connectorId: 1 });
  },

  async startTransaction(ctx, evse) {
    const transactionId = `${ctx.id}-${evse.evseId}-${ctx.nowUtcMs().toString(36)}`.slice(-36);
    evse.transactionId = transactionId;
    evse.seqNo = 0;
    const conf = await ctx.call('TransactionEvent', {
      eventType: 'Started', timestamp: isoUtc(ctx.nowUtcMs()), triggerReason: 'CablePluggedIn', seqNo: evse.seqNo++,
      transactionInfo: { transactionId, chargingState: 'EVConnected' },
      evse: { id: evse.evseId, connectorId: 1 },
      idToken: { idToken: evse.vehicle?.spec.idTag ?? (evse.vehicle?.spec.id ?? 'UNKNOWN').slice(0, 36), type: 'Central' },
      meterValue: [{ timestamp: isoUtc(ctx.nowUtcMs()), sampledValue: [{ value: Math.round(evse.importWh), measurand: 'Energy.Active.Import.Register', context: 'Transaction.Begin', unitOfMeasure: { unit: 'Wh' } }] }],
    });
    evse.idTokenStatus = conf.idTokenInfo?.status;
    await chargingNeeds(ctx, evse);
  },

  async authorize(ctx, idTag) {
    const conf = await ctx.call('Authorize', { idToken: { idToken: idTag, type: 'Central' } });
    return conf.idTokenInfo.status;
  },

  async meterValues(ctx, evse, triggerReason = 'MeterValuePeriodic') {
    if (evse.transactionId === undefined) {
      await ctx.call('MeterValues', { evseId: evse.evseId, meterValue: [{ timestamp: isoUtc(ctx.nowUtcMs()), sampledValue: sampledValues(evse) }] });
      return;
    }
    await ctx.call('TransactionEvent', {
      eventType: 'Updated', timestamp: isoUtc(ctx.nowUtcMs()), triggerReason, seqNo: evse.seqNo++,
      transactionInfo: { transactionId: evse.transactionId, chargingState: chargingStateOf(evse.status) },
      meterValue: [{ timestamp: isoUtc(ctx.nowUtcMs()), sampledValue: sampledValues(evse) }],
    });
  },

  async stopTransaction(ctx, evse, reason) {
    await ctx.call('TransactionEvent', {
      eventType: 'Ended', timestamp: isoUtc(ctx.nowUtcMs()), triggerReason: reason === 'Remote' ? 'RemoteStop' : 'EVDeparted', seqNo: evse.seqNo++,
      transactionInfo: { transactionId: evse.transactionId, stoppedReason: reason === 'Remote' ? 'Remote' : 'EVDisconnected', chargingState: 'Idle' },
      meterValue: [{ timestamp: isoUtc(ctx.nowUtcMs()), sampledValue: [{ value: Math.round(evse.importWh), measurand: 'Energy.Active.Import.Register', context: 'Transaction.End', unitOfMeasure: { unit: 'Wh' } }] }],
    });
  },

  handlers(ctx) {
    const v2x = ctx.version === '2.1';
    return {
      GetVariables: async ({ getVariableData }: { getVariableData: VariableRef[] }) => ({
        getVariableResult: getVariableData.map((ref) => {
          const value = variableValue(ctx, ref);
          return value === 'UnknownComponent' || value === 'UnknownVariable'
            ? { attributeStatus: value, component: ref.component, variable: ref.variable }
            : { attributeStatus: 'Accepted', attributeValue: value, component: ref.component, variable: ref.variable };
        }),
      }),
      SetChargingProfile: async (req: SetChargingProfileReq2x) => {
        const evse = ctx.evse(req.evseId);
        const spec = decodeChargingProfile2x(req, evse?.transactionStartUtcMs ?? ctx.nowUtcMs());
        const result = spec ? ctx.store.install(spec, (id) => ctx.evse(id)?.transactionId) : { status: 'Rejected' as const, reason: 'unsupported profile kind or purpose' };
        if (result.status === 'Accepted') {
          ctx.refreshPower();
          return { status: 'Accepted' };
        }
        const reasonCode = result.status === 'NotSupported' ? 'UnsupportedRequest' : 'InvalidProfile';
        return { status: 'Rejected', statusInfo: { reasonCode, additionalInfo: (result.reason ?? '').slice(0, 500) }, _reason: result.reason };
      },
      ClearChargingProfile: async (req: ClearChargingProfileReq2x) => {
        const status = ctx.store.clear(decodeClearChargingProfile2x(req));
        if (status === 'Accepted') ctx.refreshPower();
        return { status };
      },
      GetCompositeSchedule: async ({ evseId, duration, chargingRateUnit }: { evseId: number; duration: number; chargingRateUnit?: RateUnit }) => {
        const evse = ctx.evse(evseId);
        const unit = chargingRateUnit ?? ctx.config.rateUnits[0] ?? 'A';
        if (!evse || !ctx.config.rateUnits.includes(unit)) return { status: 'Rejected' };
        return { ...encodeCompositeSchedule2x(evseId, ctx.store.composite(evseId, evse.transactionId, ctx.nowUtcMs(), duration, unit), v2x) };
      },
      GetChargingProfiles: async ({ requestId, evseId, chargingProfile }: { requestId: number; evseId?: number; chargingProfile: { chargingProfilePurpose?: string; stackLevel?: number; chargingProfileId?: number[] } }) => {
        const purposeOf = (p: ProfilePurpose) => (p === 'StationMaxProfile' ? 'ChargingStationMaxProfile' : p);
        const found = ctx.store.list().filter((p) => (evseId === undefined || p.evseId === evseId) &&
          (chargingProfile.chargingProfilePurpose === undefined || purposeOf(p.purpose) === chargingProfile.chargingProfilePurpose) &&
          (chargingProfile.stackLevel === undefined || p.stackLevel === chargingProfile.stackLevel) &&
          (chargingProfile.chargingProfileId === undefined || chargingProfile.chargingProfileId.includes(p.id)));
        if (found.length === 0) return { status: 'NoProfiles' };
        const byEvse = new Map<number, typeof found>();
        for (const p of found) byEvse.set(p.evseId, [...(byEvse.get(p.evseId) ?? []), p]);
        setImmediate(() => void (async () => {
          const groups = [...byEvse.entries()];
          for (const [i, [evse, profiles]] of groups.entries()) {
            await ctx.call('ReportChargingProfiles', {
              requestId, chargingLimitSource: 'CSO', evseId: evse, tbc: i < groups.length - 1,
              chargingProfile: profiles.map((p) => encodeSetChargingProfile2x(p, v2x ? period21 : period201).chargingProfile),
            });
          }
        })().catch(() => undefined));
        return { status: 'Accepted' };
      },
      RequestStopTransaction: async ({ transactionId }: { transactionId: string }) => {
        const evse = ctx.evses().find((e) => e.transactionId === transactionId);
        if (!evse) return { status: 'Rejected' };
        setImmediate(() => void ctx.stopTransaction(evse.evseId, 'Remote').catch(() => undefined));
        return { status: 'Accepted' };
      },
      RequestStartTransaction: async () => ({ status: 'Rejected' }),
      TriggerMessage: async ({ requestedMessage, evse }: { requestedMessage: string; evse?: { id: number } }) => {
        if (!['MeterValues', 'StatusNotification', 'Heartbeat', 'TransactionEvent'].includes(requestedMessage)) return { status: 'NotImplemented' };
        setImmediate(() => void ctx.trigger(requestedMessage, evse?.id).catch(() => undefined));
        return { status: 'Accepted' };
      },
      SetVariables: async ({ setVariableData }: { setVariableData: VariableRef[] }) => ({
        setVariableResult: setVariableData.map((ref) => ({ attributeStatus: 'Rejected', component: ref.component, variable: ref.variable })),
      }),
      Reset: async () => ({ status: 'Rejected' }),
    };
  },
};
