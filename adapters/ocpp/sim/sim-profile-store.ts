/**
 * The simulator's charging-profile store: installs, replaces and clears profiles by the rules real
 * charge points enforce, and computes the composite schedule that limits its power.
 *
 * Rules (OCPP 1.6 3.13 / 2.0.1 K01, as the SAP simulator and libocpp enforce them), each with a
 * `reason` the simulator logs:
 * - no smart charging -> NotSupported (1.6) / Rejected (2.x);
 * - station maximum on a connector other than 0, TxProfile on connector 0, an unknown connector;
 * - TxProfile without a running transaction, or for another transaction;
 * - a rate unit the station does not allow; a stack level above its maximum;
 * - more periods than its maximum; no periods; first startPeriod not 0; periods out of order;
 * - a negative limit unless configured for negative-limit V2G; a CentralSetpoint period without V2X;
 * - more profiles than it can hold;
 * - 2.x only: another id with the same (stackLevel, purpose, EVSE) is a conflict (1.6 replaces it).
 * The same id always replaces.
 */
import type { RateUnit } from '../capabilities.ts';
import { compositeAtW, compositeSchedule, type Composite } from '../composite-schedule.ts';
import type { ProfileSpec } from '../profile-spec.ts';
import type { OcppVersion } from '../protocol.ts';
import type { ClearCriteria, ClearStatus, SetProfileStatus } from '../version-mapping.ts';

/** What the simulated station is and can do. */
export interface SimStationConfig {
  readonly connectorCount: number;
  readonly smartCharging: boolean;
  readonly maxStackLevel: number;
  readonly rateUnits: readonly RateUnit[];
  readonly maxPeriods: number;
  readonly maxProfiles: number;
  readonly voltageV: number;
  readonly phases: 1 | 2 | 3;
  /** Hardware maximum current per phase (A). */
  readonly maxCurrentA: number;
  /** 1.6 / 2.0.1: accepts a negative limit as a discharge setpoint. */
  readonly negativeLimitDischarge: boolean;
  /** 2.1: V2XChargingCtrlr enabled with CentralSetpoint. */
  readonly v2x: boolean;
}

export const defaultSimStationConfig: SimStationConfig = {
  connectorCount: 1,
  smartCharging: true,
  maxStackLevel: 8,
  rateUnits: ['W', 'A'],
  maxPeriods: 48,
  maxProfiles: 16,
  voltageV: 230,
  phases: 3,
  maxCurrentA: 32,
  negativeLimitDischarge: false,
  v2x: false,
};

export interface InstallResult {
  readonly status: SetProfileStatus;
  readonly reason?: string;
}

export class SimProfileStore {
  private profiles: ProfileSpec[] = [];

  constructor(private readonly config: SimStationConfig, private readonly version: OcppVersion) {}

  /** Installed profiles (copies). */
  list(): ProfileSpec[] {
    return [...this.profiles];
  }

  hardwareMaxW(): number {
    return this.config.maxCurrentA * this.config.voltageV * this.config.phases;
  }

  /** Installs or replaces a profile; `activeTransactionId(evseId)` is the running transaction there. */
  install(spec: ProfileSpec, activeTransactionId: (evseId: number) => string | undefined): InstallResult {
    const reject = (reason: string): InstallResult => ({ status: 'Rejected', reason });
    const c = this.config;
    if (!c.smartCharging) return { status: 'NotSupported', reason: 'smart charging not supported' };
    if (spec.evseId < 0 || spec.evseId > c.connectorCount) return reject(`unknown connector ${spec.evseId}`);
    if (spec.purpose === 'StationMaxProfile' && spec.evseId !== 0) return reject('a station maximum is only allowed on connector 0');
    if (spec.purpose === 'TxProfile') {
      if (spec.evseId === 0) return reject('a TxProfile is not allowed on connector 0');
      const active = activeTransactionId(spec.evseId);
      if (active === undefined) return reject('TxProfile without a running transaction');
      if (spec.transactionId !== undefined && spec.transactionId !== active) return reject(`TxProfile for transaction ${spec.transactionId}, running is ${active}`);
    }
    if (!c.rateUnits.includes(spec.rateUnit)) return reject(`rate unit ${spec.rateUnit} not supported`);
    if (spec.stackLevel < 0 || spec.stackLevel > c.maxStackLevel) return reject(`stack level ${spec.stackLevel} above maximum ${c.maxStackLevel}`);
    if (spec.periods.length === 0) return reject('no periods');
    if (spec.periods.length > c.maxPeriods) return reject(`${spec.periods.length} periods, maximum ${c.maxPeriods}`);
    if (spec.periods[0]!.startPeriodS !== 0) return reject('first startPeriod is not 0');
    for (let i = 1; i < spec.periods.length; i++) {
      if (spec.periods[i]!.startPeriodS <= spec.periods[i - 1]!.startPeriodS) return reject('periods out of order');
    }
    for (const p of spec.periods) {
      if (p.limit !== undefined && p.limit < 0 && !c.negativeLimitDischarge) return reject('negative limit not supported');
      if (p.operationMode === 'CentralSetpoint' && !c.v2x) return reject('CentralSetpoint not supported (no V2X)');
      if (p.operationMode === 'CentralSetpoint' && p.setpoint === undefined) return reject('CentralSetpoint without setpoint');
    }
    const sameId = this.profiles.findIndex((p) => p.id === spec.id);
    const sameSlot = this.profiles.findIndex((p) => p.id !== spec.id && p.stackLevel === spec.stackLevel && p.purpose === spec.purpose && p.evseId === spec.evseId);
    if (sameSlot >= 0 && this.version !== '1.6') return reject(`conflicts with profile ${this.profiles[sameSlot]!.id} (same stack level, purpose and EVSE)`);
    const next = this.profiles.filter((_p, i) => i !== sameId && i !== sameSlot);
    if (next.length + 1 > c.maxProfiles) return reject(`more than ${c.maxProfiles} profiles`);
    next.push(spec);
    this.profiles = next;
    return { status: 'Accepted' };
  }

  /** Clears by id, or by the given criteria (all of them must match). */
  clear(criteria: ClearCriteria & { unmatchable?: boolean }): ClearStatus {
    if (criteria.unmatchable) return 'Unknown';
    const matches = (p: ProfileSpec) => criteria.profileId !== undefined
      ? p.id === criteria.profileId
      : (criteria.evseId === undefined || p.evseId === criteria.evseId) &&
        (criteria.purpose === undefined || p.purpose === criteria.purpose) &&
        (criteria.stackLevel === undefined || p.stackLevel === criteria.stackLevel);
    const before = this.profiles.length;
    this.profiles = this.profiles.filter((p) => !matches(p));
    return this.profiles.length < before ? 'Accepted' : 'Unknown';
  }

  /** The transaction ended: its TxProfiles are gone. */
  endTransaction(evseId: number): void {
    this.profiles = this.profiles.filter((p) => !(p.purpose === 'TxProfile' && p.evseId === evseId));
  }

  /** Drops profiles whose schedule ended before `utcMs`. */
  expire(utcMs: number): void {
    this.profiles = this.profiles.filter((p) => p.durationS === undefined || p.startScheduleUtcMs + p.durationS * 1000 > utcMs);
  }

  composite(evseId: number, activeTransactionId: string | undefined, fromUtcMs: number, durationS: number, unit: RateUnit): Composite {
    return compositeSchedule({
      profiles: this.profiles, evseId, ...(activeTransactionId !== undefined ? { activeTransactionId } : {}),
      fromUtcMs, durationS, unit, voltageV: this.config.voltageV, phases: this.config.phases, unconstrainedW: this.hardwareMaxW(),
    });
  }

  /** What the EVSE is asked to draw now (W; negative discharges), and whether it is a setpoint. */
  targetW(evseId: number, activeTransactionId: string | undefined, utcMs: number): { targetW: number; setpoint: boolean } {
    const at = compositeAtW({
      profiles: this.profiles, evseId, ...(activeTransactionId !== undefined ? { activeTransactionId } : {}),
      voltageV: this.config.voltageV, phases: this.config.phases, unconstrainedW: this.hardwareMaxW(),
    }, utcMs);
    return { targetW: Math.min(at.targetW ?? this.hardwareMaxW(), this.hardwareMaxW()), setpoint: at.setpoint };
  }
}
