/**
 * The per-charger state machine (pure).
 *
 * Connection phase:
 * ```
 *   offline --connect--> connected --boot--> booted --discover--> discovering --discovered--> ready
 *                            |                                                                 ^
 *                            +--resync (known charger, no boot)--> resyncing --resynced-------+
 *   ready --boot--> booted (a reboot: discover again, then re-sync)
 *   any --disconnect--> offline
 * ```
 * Profiles are only sent in `ready`. Per EVSE a delivery status says where its plan stands; it is what
 * the API and the metrics show.
 */
import { OcppError } from './errors.ts';

export type ChargerPhase = 'offline' | 'connected' | 'booted' | 'discovering' | 'resyncing' | 'ready';

export type ChargerEvent = 'connect' | 'boot' | 'discover' | 'discovered' | 'resync' | 'resynced' | 'disconnect';

const transitions: Readonly<Record<ChargerPhase, Partial<Record<ChargerEvent, ChargerPhase>>>> = {
  offline: { connect: 'connected' },
  connected: { boot: 'booted', resync: 'resyncing', discover: 'discovering' },
  booted: { boot: 'booted', discover: 'discovering' },
  discovering: { discovered: 'resyncing', boot: 'booted' },
  resyncing: { resynced: 'ready', boot: 'booted' },
  ready: { boot: 'booted', resync: 'resyncing' },
};

/** The phase after `event`; throws V2G_ERR_OCPP_STATE when the event is not allowed. */
export function nextPhase(phase: ChargerPhase, event: ChargerEvent): ChargerPhase {
  if (event === 'disconnect') return 'offline';
  const next = transitions[phase][event];
  if (!next) throw new OcppError('V2G_ERR_OCPP_STATE', `event "${event}" is not allowed in phase "${phase}"`, { phase, event });
  return next;
}

/** Whether `event` is allowed in `phase`. */
export function allows(phase: ChargerPhase, event: ChargerEvent): boolean {
  return event === 'disconnect' || transitions[phase][event] !== undefined;
}

/**
 * Where an EVSE's plan stands.
 * - `no-plan`: nothing to deliver (no schedule, or it is over);
 * - `waiting-for-transaction`: a schedule, but no transaction yet (a TxProfile needs one);
 * - `waiting-for-plan`: a transaction runs but no plan was made for its session yet, and no safe first
 *   limit is known: nothing is sent (never another session's plan);
 * - `interim-applied`: the transaction's safe first limit (charge only, from its own state and the site's
 *   headroom) is on the charger until its own plan arrives;
 * - `pending`: to be sent (charger offline, or a send is under way);
 * - `applied`: the charger accepted the profile;
 * - `fallback-applied`: the TxProfile was refused, the fallback TxDefaultProfile was accepted; the
 *   TxProfile is retried with backoff;
 * - `not-applied`: refused or failed (and no fallback took); retried with backoff;
 * - `failed`: gave up after the maximum attempts (a transient failure: timeouts, CALLERRORs); waits for a
 *   new plan, a new transaction or a reconnect;
 * - `cleared`: our profiles were taken off the charger with ClearChargingProfile (the transaction ended,
 *   or its plan was withdrawn); `reason` says which;
 * - `not-cleared`: the ClearChargingProfile failed (CALLERROR, timeout, offline); retried with backoff,
 *   `failed` (code V2G_ERR_OCPP_CLEAR_FAILED) after the maximum attempts;
 * - `unmanaged`: the charger cannot follow profiles (NotImplemented / NotSupported, persistent rejection,
 *   no smart charging reported): no more tries until it reconnects; the service plans its session as
 *   uncontrolled load.
 */
export type DeliveryStatus =
  | 'no-plan' | 'waiting-for-transaction' | 'waiting-for-plan' | 'pending' | 'applied' | 'interim-applied' | 'fallback-applied' | 'not-applied' | 'failed' | 'unmanaged' | 'cleared' | 'not-cleared';

/** Every delivery status (metrics, schemas). */
export const deliveryStatuses: readonly DeliveryStatus[] = [
  'no-plan', 'waiting-for-transaction', 'waiting-for-plan', 'pending', 'applied', 'interim-applied', 'fallback-applied', 'not-applied', 'failed', 'unmanaged', 'cleared', 'not-cleared',
];

/** Statuses in which the plan is not in force on the charger as planned. */
export function isNotApplied(status: DeliveryStatus): boolean {
  return status === 'fallback-applied' || status === 'not-applied' || status === 'failed' || status === 'unmanaged' || status === 'not-cleared';
}
