/**
 * `mpc-events`: model-predictive control that re-plans only when something happened, and in between follows
 * the plan it has. The plan is the same as `mpc`'s (grid's assembly of what is known, `mpc`'s regularisers and demand-charge
 * treatment, solved by the LP backend, validated: `mpcPlan` of policies.ts); what changes is when it is made. A new plan is made when
 * - a vehicle arrived, or one left that still had power planned (a departure the plan did not foresee, e.g.
 *   before its declared time); a vehicle leaving with nothing more planned changes nothing the plan holds for
 *   the others (same limits, same peak), so on a site without base load or PV, when the plan's horizon reached
 *   every vehicle's departure, it is followed on (with actual departures: every departure of stays within 24 h),
 * - a vehicle's simulated energy left the plan's prediction by more than `driftToleranceKwh` (charge taper, a
 *   full battery: the physics is not the planner's model),
 * - the plan ran out, or it is `maxPlanAgeHours` old (so price publications and a rising billing peak are seen
 *   at least that often).
 * Otherwise slot `k - k0` of the plan made at slot `k0` is applied. On the Caltech month at 5-minute slots
 * this solves about one decision in five (bench/RESULTS.md, the capacity sweep), which is what makes a
 * 24-capacity sweep affordable; `mpc` (a solve at every slot) stays the reference.
 */
import { carryNetworkRows, type NetworkRowSeed } from '../optimizer/network/lazy-rows.ts';
import type { Plan } from '../optimizer/plan.ts';
import type { SolveEnvironment } from '../optimizer/solve-problem.ts';
import { believedDepartureUtcMs, type PluggedVehicle } from './decision-problem.ts';
import { mpcDemandChargeTreatment, mpcNotes, mpcPlanMade, requireBackend, steppedSetpoints, type Controller, type MpcOptions, type SolverSetup } from './policies.ts';
import { deliveryFirstFollowed, deliveryFirstResolved, type CongestionDelivery } from './mpc-regularisers.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import type { PeakEstimateRule } from './billing-peak-estimate.ts';

/**
 * Delivery first under congestion as measured in issue 13, session 10 (scenarios/MPC.md, "Delivery first under
 * congestion"): quick-charge share 10 (as `mpc-quick`), deadline rank, also once the billing peak has reached the site limit.
 */
export const measuredCongestionDelivery: CongestionDelivery = { quickChargeShare: 10, rank: 'deadline', sunkPeak: true };

/**
 * The billing-peak floor as measured in issue 13, session 11 (scenarios/MPC.md, "Billing-peak estimate"): the median over the
 * history's days of the peak every schedule of the day's sessions needs, at most the site limit. Without a floor (no
 * history: the Caltech March 2019 sweep) the full demand charge, not `horizon-share` (issue 16, session 12;
 * demand-charge-without-floor.ts).
 */
export const measuredPeakEstimate: PeakEstimateRule = { form: 'estimate', quantile: 0.5, withoutFloor: 'full' };

/**
 * The late-charge guard of `mpc-events` (hours before each stay's believed departure), as measured in issue 13, session 13
 * (scenarios/MPC.md, "The late-charge guard's length"): 1 h. The 2 h of issue 16, session 7 covered most of a short stay's
 * time (Caltech's 2-3 h morning stays), so each such car charged at full power right after arriving, arrivals' full-power
 * needs coincided and the billing peak rose (the Caltech week, seeds 6, 7 and 9: 17.63-17.87 kW against the exact
 * offline's 15.54 kW). Measured in a range: 0.5, 0.75, 1, 1.25 h all cut the worst seed's gap to 2.9-6.9 %; 1.5-4 h did not.
 */
export const eventsLateChargeGuardHours = 1;

/** The guard before issue 13, session 13 (2 h; issue 16, session 7): kept to measure against (`sessionTwelveEventsOptions`). */
export const sessionTwelveLateChargeGuardHours = 2;

/** `mpc-events`' options before issue 13, session 11 (the bill's full demand charge, no peak estimate, the 2 h guard): kept to measure against. */
export const sessionTenEventsOptions = (): MpcOptions => {
  const { peakEstimate: _pe, ...rest } = mpcEventsOptions;
  return { ...rest, demandCharge: mpcDemandChargeTreatment, lateChargeGuardHours: sessionTwelveLateChargeGuardHours };
};

/** `mpc-events`' options before issue 13, session 13 (the late-charge guard over each stay's last 2 h): kept to measure against. */
export const sessionTwelveEventsOptions = (): MpcOptions => ({ ...mpcEventsOptions, lateChargeGuardHours: sessionTwelveLateChargeGuardHours });

/**
 * The plan of `mpc-events` is `mpc`'s (the same regularisers: robust quick charge; demand-charge treatment; taper-aware
 * planning, charge-taper.ts) plus the late-charge guard over each stay's last `lateChargeGuardHours` (mpc-regularisers.ts
 * `withLateChargeGuard`): a plan followed until an event must not park a vehicle's last kWh in the final slots of its
 * stay, where a car not yet seen may take the line (bench/RESULTS.md, issue 16, session 7); and the late-charge margin
 * over each stay's last 15 minutes (`withLateChargeMargin`, 5 % of the shortfall penalty a kWh): worth a higher peak,
 * so a stay does not end at zero laxity under the billing peak (bench/RESULTS.md, issue 16, session 9) - an option,
 * `measuredLateChargeMargin`. Since issue 13, session 10: the stepped taper form (charge-taper.ts), candidates ranked
 * with the regularisers (`candidateObjective: 'regularised'`: no baseline replaces the repaired plan by ignoring
 * them) and delivery first under congestion (`measuredCongestionDelivery`); scenarios/MPC.md says why. Since issue 13,
 * session 11: the rolling horizon's demand charge is `horizon-share` and each decision plans the billing peak from the
 * history's peak estimate (`measuredPeakEstimate`, billing-peak-estimate.ts) as a floor; scenarios/MPC.md, "Billing-peak estimate".
 * Since issue 16, session 12: where the estimate gives no floor (no history) the full demand charge instead
 * (demand-charge-without-floor.ts; scenarios/MPC.md, "Without a floor, the full demand charge"). Since issue 13, session 13: the
 * guard covers each stay's last hour, not two (`eventsLateChargeGuardHours`).
 */
export const mpcEventsOptions: MpcOptions = {
  variant: 'robust',
  demandCharge: 'horizon-share',
  peakEstimate: measuredPeakEstimate,
  taperAware: true,
  taperForm: 'stepped',
  lateChargeGuardHours: eventsLateChargeGuardHours,
  carryNetworkRows: true,
  candidateObjective: 'regularised',
  congestionDelivery: measuredCongestionDelivery,
};

/**
 * The late-charge margin as measured in issue 16, session 9 (scenarios/MPC.md "Late-charge margin"): an option of
 * `mpc-events` (`{ ...mpcEventsOptions, lateChargeMargin }`), not its default. With it the Caltech week's worst gap
 * to offline fell from 21.30 to 8.46 %, but on the network sweep together with the carried network rows it left
 * 55 kVA 0.994 kWh short of LLF where `mpc-events` without it meets every baseline at all 24 capacities, and it
 * cost the aggregate sweep about 100 CPU s more (bench/RESULTS.md, "Quiet-machine runs after session 9's merges").
 */
export const measuredLateChargeMargin = { minutes: 15, riskShare: 0.05 } as const;

/**
 * With `carryNetworkRows`: a network row the last plan's models held is carried to the next plan when that plan's powers
 * come within this share of its bound (1 %: the rows that bind, or nearly). Carrying every held row instead cut fewer
 * simplex iterations (3-day window at 15 kVA: -35 % against -39 %; bench/RESULTS.md, issue 16 session 9).
 */
export const carriedRowSlackShare = 0.01;

/** Simulated energy this far from the plan's (kWh) makes a new plan. */
export const driftToleranceKwh = 0.1;
/** Power below this (kW) counts as none planned (a vehicle that leaves with nothing planned needs no new plan). */
export const plannedZeroKw = 1e-6;
/** A plan older than this (hours) is replaced even when nothing happened. */
export const maxPlanAgeHours = 4;

interface HeldPlan {
  readonly plan: Plan;
  /** Whether the plan is the delivery-first re-solve (`MpcOptions.congestionDelivery`). */
  readonly deliveryFirst: boolean;
  readonly fromSlot: number;
  /** Sorted ids of the vehicles it was made for, joined. */
  readonly vehicles: string;
  readonly index: ReadonlyMap<string, number>;
  /**
   * Whether the plan's horizon reached every vehicle's believed departure on a site without base load or PV:
   * only then is its tail what a later plan for the same vehicles would hold (a vehicle leaving after the
   * horizon is planned with a reduced target; a later horizon sees more of the base load and PV).
   */
  readonly coversStays: boolean;
}

const vehicleKey = (plugged: readonly PluggedVehicle[]) => plugged.map((v) => v.session.id).sort().join('\u0000');

/**
 * Whether the plugged vehicles are the plan's less some that left as it planned: no arrival, and every vehicle
 * gone had no power planned from slot `j` on. The plan's remaining slots then hold exactly the powers a re-plan
 * would have to beat on the same problem (the vehicles gone took nothing more from the limits or the peak).
 */
function onlyPlannedDepartures(held: HeldPlan, j: number, plugged: readonly PluggedVehicle[]): boolean {
  if (plugged.some((v) => !held.index.has(v.session.id))) return false;
  if (!held.coversStays) return false;
  const present = new Set(plugged.map((v) => v.session.id));
  for (const [id, i] of held.index) {
    if (present.has(id)) continue;
    const powerKw = held.plan.vehicles[i]!.powerKw;
    for (let t = j; t < powerKw.length; t++) if (Math.abs(powerKw[t]!) > plannedZeroKw) return false;
  }
  return true;
}

function stillValid(held: HeldPlan, slotIndex: number, plugged: readonly PluggedVehicle[], maxAgeSlots: number): boolean {
  const j = slotIndex - held.fromSlot;
  const slots = held.plan.vehicles[0]?.powerKw.length ?? 0;
  if (j < 0 || j >= slots || j >= maxAgeSlots) return false;
  if (vehicleKey(plugged) !== held.vehicles && !onlyPlannedDepartures(held, j, plugged)) return false;
  for (const v of plugged) {
    const planned = held.plan.vehicles[held.index.get(v.session.id)!]!.energyKwh[j]!;
    if (Math.abs(planned - v.energyKwh) > driftToleranceKwh) return false;
  }
  return true;
}

/** A plan `mpc-events` made, with the decision it was made for (capacity-slack.ts checks it against the swept capacity). */
export interface MadePlan {
  readonly plan: Plan;
  readonly atUtcMs: number;
  readonly slotIndex: number;
  readonly plugged: readonly PluggedVehicle[];
  readonly previousPeakKw: number;
  /** Whether the plan is the delivery-first re-solve (`MpcOptions.congestionDelivery`). */
  readonly deliveryFirst: boolean;
}

/** The `mpc-events` controller (needs an LP backend, like `mpc`); `onPlan` sees every plan it makes. */
export function eventTriggeredController(inputs: ReplayInputs, solver: SolverSetup, options: MpcOptions = mpcEventsOptions, onPlan?: (made: MadePlan) => void): Controller {
  const backend = requireBackend('mpc-events', solver);
  const maxAgeSlots = Math.max(1, Math.round((maxPlanAgeHours * 60) / inputs.slotMinutes));
  const slotMs = inputs.slotMinutes * 60_000;
  // With base load or PV a later plan also sees their slots beyond this plan's horizon (the peak, PV to use).
  const noSiteSignals = inputs.baseLoad === undefined && inputs.pv === undefined;
  let held: HeldPlan | undefined;
  // The network rows the last plan's models held and its plan brings near their bound, by slot of that plan (options.carryNetworkRows).
  let rows: { readonly seed: NetworkRowSeed; readonly fromSlot: number } | undefined;
  const carry = options.carryNetworkRows === true && inputs.site.network !== undefined;
  // With carried rows the first LP holds the polygon rows that bound before: started from the greedy crash basis
  // (crash-basis.ts) it needs far fewer simplex iterations (bench/RESULTS.md, issue 16 session 9). An explicit
  // `crashBasis` in the solver options wins.
  const solveOptions = carry && solver.options?.crashBasis === undefined ? { ...solver.options, crashBasis: true } : (solver.options ?? {});
  const solveEnvironment = (slotIndex: number): SolveEnvironment => {
    if (!carry) return {};
    const seed = rows === undefined ? undefined : carryNetworkRows(rows.seed, slotIndex - rows.fromSlot, rows.seed.slotCount);
    return {
      ...(seed !== undefined ? { networkRowSeed: seed } : {}),
      networkRowsBindingShare: carriedRowSlackShare,
      onNetworkRows: ({ binding }) => {
        rows = binding === undefined ? undefined : { seed: binding, fromSlot: slotIndex };
      },
    };
  };
  return {
    policy: 'mpc-events',
    ...mpcNotes(inputs, options),
    decide(atUtcMs, slotIndex, plugged, previousPeakKw) {
      let solverMs = 0;
      let solved = false;
      if (held === undefined || !stillValid(held, slotIndex, plugged, maxAgeSlots)) {
        const { plan, deliveryFirst } = mpcPlanMade(inputs, backend, solveOptions, options, atUtcMs, plugged, previousPeakKw, solveEnvironment(slotIndex));
        solved = true;
        const planEndUtcMs = atUtcMs + (plan.vehicles[0]?.powerKw.length ?? 0) * slotMs;
        const coversStays = noSiteSignals && plugged.every((v) => believedDepartureUtcMs(inputs, v.session, atUtcMs) <= planEndUtcMs);
        held = { plan, deliveryFirst, fromSlot: slotIndex, vehicles: vehicleKey(plugged), index: new Map(plan.vehicles.map((v, i) => [v.id, i])), coversStays };
        solverMs = plan.stats.buildMs + plan.stats.solveMs;
        onPlan?.({ plan, atUtcMs, slotIndex, plugged, previousPeakKw, deliveryFirst });
      }
      const j = slotIndex - held.fromSlot;
      const setpointsKw = new Map<string, number>();
      for (const v of held.plan.vehicles) setpointsKw.set(v.id, v.powerKw[j] ?? 0);
      return {
        setpointsKw: steppedSetpoints(inputs, options, plugged, setpointsKw),
        status: held.plan.status,
        ...(held.plan.message !== undefined ? { message: held.plan.message } : {}),
        solverMs,
        ...(held.deliveryFirst ? { planMade: solved ? deliveryFirstResolved : deliveryFirstFollowed } : {}),
      };
    },
  };
}
