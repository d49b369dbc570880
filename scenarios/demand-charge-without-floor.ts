/**
 * The rolling horizon's demand charge when the billing-peak estimate gives no floor (issue 16, session 12).
 *
 * `horizon-share` (mpc-regularisers.ts `demandChargeFactor`) prices the billing peak at the bill's price times the
 * share of the billing period's rest the horizon covers: about 1/30 of it at the start of a month with a 24 h horizon.
 * It was chosen (issue 13, session 11) together with the billing-peak estimate's floor (billing-peak-estimate.ts): below
 * the floor the import is free, above it the share is enough because the floor already holds the peak the month will
 * reach anyway. Without a floor (the estimate is 0 kW: no session in the history before the period, as on the Caltech
 * March 2019 sweep, or a day without one on at least half of its days) nothing holds the peak but that share, and
 * early decisions raise the month's peak for a few cents of energy: on the Caltech network at 40-50 kVA the peak rose
 * from 36.4-41.2 to 40.0-45.5 kW and the bill by 33-82 USD (bench/RESULTS.md, "Quiet-machine runs after session 11's
 * merges"). `PeakEstimateRule.withoutFloor` names the treatment such a replay uses instead (`full` for `mpc-events`:
 * session 10's, the bill's own price); every output says which one applied (`withoutFloorNote`).
 */
import { peakEstimateOf, type PeakEstimate, type PeakEstimateRule } from './billing-peak-estimate.ts';
import type { DemandChargeTreatment } from './mpc-regularisers.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** The demand-charge part of an MPC's options (policies.ts `MpcOptions`). */
export interface DemandChargeOptions {
  readonly demandCharge: DemandChargeTreatment;
  readonly peakEstimate?: PeakEstimateRule;
}

/** Whether `estimate` gives a decision no floor: 0 kW (no history, or too few days with a session). */
export function estimateGivesNoFloor(estimate: PeakEstimate): boolean {
  return !(estimate.estimateKw > 0);
}

/**
 * The demand-charge treatment every decision of a replay with `inputs` uses under `options`: `options.demandCharge`,
 * except `options.peakEstimate.withoutFloor` when the replay's estimate gives no floor (`estimateGivesNoFloor`).
 * One treatment per replay (the estimate is learnt once, from the history before the period).
 */
export function demandChargeTreatmentOf(inputs: ReplayInputs, options: DemandChargeOptions): DemandChargeTreatment {
  const rule = options.peakEstimate;
  if (rule?.withoutFloor === undefined) return options.demandCharge;
  return estimateGivesNoFloor(peakEstimateOf(inputs, rule)) ? rule.withoutFloor : options.demandCharge;
}

/** The short label of a run whose history holds no session, so `withoutFloor` applied (a sweep row's solver column). */
export const noHistoryLabel = 'no billing history';

/** The short label of a run whose history gave a 0 kW estimate, so `withoutFloor` applied. */
export const zeroEstimateLabel = 'billing-peak estimate 0 kW';

/** What a decision prices under `treatment`, for the notes. */
function pricing(treatment: DemandChargeTreatment): string {
  return treatment === 'full'
    ? "each decision prices the billing peak at the bill's price per kW above the peak already set"
    : "each decision prices the billing peak at the bill's price times the share of the billing period's rest its horizon covers";
}

/**
 * The note of a run whose estimate gave no floor and whose rule names another treatment for that case (undefined
 * otherwise), e.g. "no billing history: full demand charge (...)" when the history holds no session.
 */
export function withoutFloorNote(inputs: ReplayInputs, options: DemandChargeOptions): string | undefined {
  const rule = options.peakEstimate;
  if (rule?.withoutFloor === undefined || rule.withoutFloor === options.demandCharge) return undefined;
  const e = peakEstimateOf(inputs, rule);
  if (!estimateGivesNoFloor(e)) return undefined;
  const why = e.sessions === 0 ? `no session in the ${e.days} days before the period` : `${e.sessions} sessions in ${e.days} days of history, too few days with one`;
  return `${e.sessions === 0 ? noHistoryLabel : zeroEstimateLabel}: ${rule.withoutFloor} demand charge (${why}, so the billing-peak estimate gives no floor; ${pricing(rule.withoutFloor)}, not ${options.demandCharge})`;
}

/** Whether a run note is `withoutFloorNote`'s. */
export function isWithoutFloorNote(note: string): boolean {
  return note.startsWith(`${noHistoryLabel}: `) || note.startsWith(`${zeroEstimateLabel}: `);
}
