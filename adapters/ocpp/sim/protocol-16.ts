/**
 * The simulated charge point's OCPP 1.6J side.
 *
 * Sends (charge point -> CSMS):
 *   BootNotification{chargePointVendor, chargePointModel, chargePointSerialNumber, firmwareVersion}
 *   StatusNotification{connectorId, errorCode = NoError, status, timestamp}
 *   Authorize{idTag} (on request: SimCharger.authorize) -> reads idTagInfo.status
 *   StartTransaction{connectorId, idTag (the vehicle's, <= 20 chars), meterStart (Wh), timestamp} -> reads
 *     transactionId, idTagInfo.status
 *   MeterValues{connectorId, transactionId, meterValue[{timestamp, sampledValue[Power.Active.Import W,
 *     Power.Active.Export W, Energy.Active.Import.Register Wh, Energy.Active.Export.Register Wh, SoC Percent]}]}
 *   StopTransaction{transactionId, meterStop (Wh), timestamp, reason}
 * Answers (CSMS -> charge point):
 *   GetConfiguration{key[]} -> configurationKey[{key, readonly, value}], unknownKey[]
 *   SetChargingProfile{connectorId, csChargingProfiles} -> status (rules: sim-profile-store.ts)
 *   ClearChargingProfile{id | connectorId, chargingProfilePurpose, stackLevel} -> status
 *   GetCompositeSchedule{connectorId, duration, chargingRateUnit} -> status, scheduleStart, chargingSchedule
 *   RemoteStopTransaction{transactionId} -> Accepted (then stops); RemoteStartTransaction -> Rejected;
 *   TriggerMessage{requestedMessage, connectorId} -> Accepted | NotImplemented; ChangeConfiguration ->
 *   NotSupported; Reset -> Rejected; DataTransfer -> UnknownVendorId
 */
import { isoUtc } from '../clock.ts';
import { decodeClearChargingProfile16, type ClearChargingProfileReq16 } from '../1.6/clear-charging-profile.ts';
import { encodeCompositeSchedule16 } from '../1.6/get-composite-schedule.ts';
import { decodeChargingProfile16, type SetChargingProfileReq16 } from '../1.6/set-charging-profile.ts';
import type { RateUnit } from '../capabilities.ts';
import type { SimContext, SimProtocol } from './sim-context.ts';

function configuration(ctx: SimContext): Record<string, string> {
  const c = ctx.reported;
  return {
    SupportedFeatureProfiles: `Core,RemoteTrigger${c.smartCharging ? ',SmartCharging' : ''}`,
    ChargeProfileMaxStackLevel: String(c.maxStackLevel),
    ChargingScheduleAllowedChargingRateUnit: c.rateUnits.map((u) => (u === 'A' ? 'Current' : 'Power')).join(','),
    ChargingScheduleMaxPeriods: String(c.maxPeriods),
    MaxChargingProfilesInstalled: String(c.maxProfiles),
    NumberOfConnectors: String(c.connectorCount),
    MeterValueSampleInterval: '60',
    HeartbeatInterval: '300',
  };
}

export const simProtocol16: SimProtocol = {
  async boot(ctx) {
    await ctx.call('BootNotification', { chargePointVendor: 'V2G-Sim', chargePointModel: 'SimCharger-1.6', chargePointSerialNumber: ctx.id.slice(0, 25), firmwareVersion: '1.0.0' });
    await ctx.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available', timestamp: isoUtc(ctx.nowUtcMs()) });
    for (const evse of ctx.evses()) await this.connectorStatus(ctx, evse);
  },

  async connectorStatus(ctx, evse) {
    await ctx.call('StatusNotification', { connectorId: evse.evseId, errorCode: 'NoError', status: evse.status, timestamp: isoUtc(ctx.nowUtcMs()) });
  },

  async startTransaction(ctx, evse) {
    const conf = await ctx.call('StartTransaction', {
      connectorId: evse.evseId, idTag: evse.vehicle?.spec.idTag ?? (evse.vehicle?.spec.id ?? 'UNKNOWN').slice(0, 20), meterStart: Math.round(evse.importWh), timestamp: isoUtc(ctx.nowUtcMs()),
    });
    evse.transactionId = String(conf.transactionId);
    evse.idTokenStatus = conf.idTagInfo?.status;
  },

  async authorize(ctx, idTag) {
    const conf = await ctx.call('Authorize', { idTag });
    return conf.idTagInfo.status;
  },

  async meterValues(ctx, evse) {
    const sampledValue = [
      { value: String(Math.max(0, Math.round(evse.powerW))), measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
      { value: String(Math.max(0, Math.round(-evse.powerW))), measurand: 'Power.Active.Export', unit: 'W', context: 'Sample.Periodic' },
      { value: String(Math.round(evse.importWh)), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' },
      { value: String(Math.round(evse.exportWh)), measurand: 'Energy.Active.Export.Register', unit: 'Wh', context: 'Sample.Periodic' },
      ...(evse.vehicle ? [{ value: String(evse.vehicle.socPct), measurand: 'SoC', unit: 'Percent', context: 'Sample.Periodic' }] : []),
    ];
    await ctx.call('MeterValues', {
      connectorId: evse.evseId,
      ...(evse.transactionId !== undefined ? { transactionId: Number(evse.transactionId) } : {}),
      meterValue: [{ timestamp: isoUtc(ctx.nowUtcMs()), sampledValue }],
    });
  },

  async stopTransaction(ctx, evse, reason) {
    await ctx.call('StopTransaction', { transactionId: Number(evse.transactionId), meterStop: Math.round(evse.importWh), timestamp: isoUtc(ctx.nowUtcMs()), reason });
  },

  handlers(ctx) {
    return {
      GetConfiguration: async ({ key }: { key?: string[] }) => {
        const all = configuration(ctx);
        const wanted = key && key.length > 0 ? key : Object.keys(all);
        return {
          configurationKey: wanted.filter((k) => k in all).map((k) => ({ key: k, readonly: true, value: all[k] })),
          unknownKey: wanted.filter((k) => !(k in all)),
        };
      },
      SetChargingProfile: async (req: SetChargingProfileReq16) => {
        const evse = ctx.evse(req.connectorId);
        const spec = decodeChargingProfile16(req, evse?.transactionStartUtcMs ?? ctx.nowUtcMs());
        const result = spec ? ctx.store.install(spec, (id) => ctx.evse(id)?.transactionId) : { status: 'Rejected' as const, reason: 'unsupported profile kind or missing startSchedule' };
        if (result.status === 'Accepted') ctx.refreshPower();
        return { status: result.status, _reason: result.reason };
      },
      ClearChargingProfile: async (req: ClearChargingProfileReq16) => {
        const status = ctx.store.clear(decodeClearChargingProfile16(req));
        if (status === 'Accepted') ctx.refreshPower();
        return { status };
      },
      GetCompositeSchedule: async ({ connectorId, duration, chargingRateUnit }: { connectorId: number; duration: number; chargingRateUnit?: RateUnit }) => {
        const evse = ctx.evse(connectorId);
        if (!evse) return { status: 'Rejected' };
        const unit = chargingRateUnit ?? ctx.config.rateUnits[0] ?? 'A';
        if (!ctx.config.rateUnits.includes(unit)) return { status: 'Rejected' };
        return { ...encodeCompositeSchedule16(connectorId, ctx.store.composite(connectorId, evse.transactionId, ctx.nowUtcMs(), duration, unit)) };
      },
      RemoteStopTransaction: async ({ transactionId }: { transactionId: number }) => {
        const evse = ctx.evses().find((e) => e.transactionId === String(transactionId));
        if (!evse) return { status: 'Rejected' };
        setImmediate(() => void ctx.stopTransaction(evse.evseId, 'Remote').catch(() => undefined));
        return { status: 'Accepted' };
      },
      RemoteStartTransaction: async () => ({ status: 'Rejected' }),
      TriggerMessage: async ({ requestedMessage, connectorId }: { requestedMessage: string; connectorId?: number }) => {
        if (!['MeterValues', 'StatusNotification', 'Heartbeat'].includes(requestedMessage)) return { status: 'NotImplemented' };
        setImmediate(() => void ctx.trigger(requestedMessage, connectorId).catch(() => undefined));
        return { status: 'Accepted' };
      },
      ChangeConfiguration: async () => ({ status: 'NotSupported' }),
      Reset: async () => ({ status: 'Rejected' }),
      DataTransfer: async () => ({ status: 'UnknownVendorId' }),
    };
  },
};
