/**
 * The replay engine: a discrete-event simulation on a simulated clock.
 *
 * The clock steps from slot boundary to slot boundary. At each boundary it first applies every event up to
 * it (arrivals, departures, price publications: an arrival or departure inside a slot takes effect at the
 * next boundary, per grid's plug-window rules), then - when a vehicle is plugged in - asks the controller
 * for a decision on what is known now, applies the first slot's setpoints to the simulated vehicles
 * (vehicle-physics.ts: efficiency losses, charge taper, partial slots), settles the site's import and
 * export, and records everything. No decision is needed while nothing is plugged in.
 *
 * Deterministic for a seed: nothing here reads a clock except the injected `clock`, used only to time
 * decisions. No I/O: progress goes to an optional callback.
 */
import { plugWindow } from '../grid/plug-window.ts';
import { problemNetwork, siteCapacityKw } from '../grid/site-network.ts';
import type { SlotGrid } from '../grid/slot-grid.ts';
import { believedDepartureUtcMs, type PluggedVehicle } from './decision-problem.ts';
import { offlineBoundGapMoney, offlineBoundGapPct, offlineController, offlineReferenceLabel, solveOffline, type OfflineSolution } from './offline-optimum.ts';
import { periodSignals } from './period-signals.ts';
import type { Controller, PolicyName, SolverSetup } from './policies.ts';
import { rollingController } from './policy-controllers.ts';
import { replayEvents } from './replay-events.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import type { BilledPeriod, ReplayResult, SessionOutcome, SlotSeries } from './replay-result.ts';
import { chargerLimitKw, type ReplaySession } from './replay-session.ts';
import { applySetpoint } from './vehicle-physics.ts';

/** Progress after each slot. */
export interface ReplayProgress {
  readonly slot: number;
  readonly slotCount: number;
  readonly decisions: number;
}

/** What the engine needs from outside: a solver, a clock, optionally a progress callback and a precomputed offline plan. */
export interface ReplayDependencies {
  /** LP backend for `mpc` and `offline` (e.g. `createHighsBackend(await loadHighs())`). */
  readonly solver?: SolverSetup;
  /** Milliseconds from any origin (e.g. `performance.now`); used only to time decisions. */
  readonly clock: () => number;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** A precomputed offline solution for `offline` (so `compare` solves it once). */
  readonly offline?: OfflineSolution;
  /** A controller to use instead of the policy's own (a study of MPC options: `mpcController`); `policy` still names the run. */
  readonly controller?: Controller;
}

/** Energy below the floor by more than this (kWh) counts as a reserve breach. */
const energyToleranceKwh = 1e-6;

class SimVehicle {
  energyKwh: number;
  chargedKwh = 0;
  dischargedKwh = 0;
  lowestEnergyKwh: number;
  reserveBreachSlots = 0;
  limitedSlots = 0;
  finalEnergyKwh: number | undefined;
  readonly floorKwh: number;
  readonly chargeLimitKw: number;

  constructor(readonly session: ReplaySession) {
    this.energyKwh = session.initialEnergyKwh;
    this.lowestEnergyKwh = session.initialEnergyKwh;
    this.floorKwh = Math.min(session.reserveEnergyKwh, session.initialEnergyKwh);
    this.chargeLimitKw = chargerLimitKw(session.charger);
  }

  outcome(): SessionOutcome {
    return {
      session: this.session,
      finalEnergyKwh: this.finalEnergyKwh ?? this.energyKwh,
      chargedKwh: this.chargedKwh,
      dischargedKwh: this.dischargedKwh,
      lowestEnergyKwh: this.lowestEnergyKwh,
      reserveBreachSlots: this.reserveBreachSlots,
      limitedSlots: this.limitedSlots,
    };
  }
}

/**
 * The run note counting the decisions whose plan was made otherwise than the controller's usual plan (`Decision.planMade`),
 * e.g. `plans made otherwise: delivery-first re-solve 37, delivery-first plan followed 120 of 412 decisions (per decision: plan_made in timeseries.csv)`.
 */
export function planMadeNotes(counts: Readonly<Record<string, number>>, decisions: number): string[] {
  const kinds = Object.keys(counts).sort();
  if (kinds.length === 0) return [];
  return [`plans made otherwise: ${kinds.map((k) => `${k} ${counts[k]}`).join(', ')} of ${decisions} decisions (per decision: plan_made in timeseries.csv)`];
}

function emptySlots(T: number): SlotSeries {
  const n = () => new Array<number>(T).fill(0);
  return {
    startUtcMs: n(),
    marketPricePerKwh: n(),
    importPricePerKwh: n(),
    exportPricePerKwh: n(),
    baseLoadKw: n(),
    pvKw: n(),
    pvCurtailedKw: n(),
    fleetChargeKw: n(),
    fleetDischargeKw: n(),
    importKw: n(),
    exportKw: n(),
    importLimitKw: n(),
    exportLimitKw: n(),
    pluggedVehicles: n(),
    triggers: new Array<string>(T).fill('slot'),
    decisionMs: new Array<number | undefined>(T).fill(undefined),
    planStatus: new Array<string>(T).fill('idle'),
    planMade: new Array<string>(T).fill(''),
  };
}

function controllerFor(inputs: ReplayInputs, policy: PolicyName, deps: ReplayDependencies): { controller: Controller; offline?: OfflineSolution } {
  if (deps.controller) return { controller: deps.controller };
  if (policy === 'offline') {
    const offline = deps.offline ?? solveOffline(inputs, deps.solver ?? {}, deps.clock);
    return { controller: offlineController(offline), offline };
  }
  return { controller: rollingController(inputs, policy, deps.solver ?? {}) };
}

/**
 * Sessions whose stay covers no whole slot by grid's plug-window rules (arrival rounds up, departure rounds
 * down): no plan can give them a slot, so every run states them in its notes (not only the offline solve).
 */
function unservableNotes(inputs: ReplayInputs, grid: SlotGrid): string[] {
  const n = inputs.sessions.filter((s) => {
    const w = plugWindow(grid, s.arrivalUtcMs, s.departureUtcMs);
    return w.kind === 'dropped' && w.reason === 'no-whole-slot';
  }).length;
  return n > 0 ? [`${n} session(s) plugged in for no whole slot`] : [];
}

function offlinePlanSummary(offline: OfflineSolution): NonNullable<ReplayResult['offlinePlan']> {
  const { cost, status, message } = offline.plan;
  const summary = {
    netCost: cost.netCost,
    objective: cost.objective,
    bound: offline.bound ?? null,
    status,
    source: offline.source ?? null,
    integerStrategy: offline.integerStrategy ?? null,
    stoppedAfterMs: offline.stoppedAfterMs ?? null,
    work: offline.work ?? null,
  };
  return {
    ...summary,
    boundGapPct: offlineBoundGapPct(summary, offline.bound) ?? null,
    boundGap: offlineBoundGapMoney(summary, offline.bound) ?? null,
    message: message ?? null,
    timeLimitMs: offline.timeLimitMs,
    label: offlineReferenceLabel({ ...summary, currency: offline.plan.currency }),
    elapsedMs: offline.elapsedMs,
  };
}

/** Replays the scenario under `policy`. Throws only for bad input (coded errors), never for solver outcomes. */
export function runReplay(inputs: ReplayInputs, policy: PolicyName, deps: ReplayDependencies): ReplayResult {
  const { controller, offline } = controllerFor(inputs, policy, deps);
  const signals = periodSignals(inputs);
  const grid = signals.grid;
  const T = grid.slotCount;
  const slotMs = grid.slotMs;
  const slotHours = slotMs / 3_600_000;
  const substepMs = slotMs / inputs.physics.substepsPerSlot;
  const slots = emptySlots(T);
  const events = replayEvents(inputs);
  const vehicles = new Map<string, SimVehicle>();
  const plugged = new Map<string, SimVehicle>();
  const chargerPower = new Map<string, number[]>();
  const billing = new Map<string, { -readonly [K in keyof BilledPeriod]: BilledPeriod[K] }>();
  const decisionMs: number[] = [];
  const solverMs: number[] = [];
  const statusCounts: Record<string, number> = {};
  const messages: string[] = [];
  const planMadeCounts: Record<string, number> = {};
  let next = 0;

  for (let k = 0; k < T; k++) {
    const t = grid.startUtcMs + k * slotMs;
    const kinds = new Set<string>(['slot']);
    // 1. Events up to this boundary.
    for (; next < events.length && events[next]!.atUtcMs <= t; next++) {
      const e = events[next]!;
      kinds.add(e.kind);
      if (e.kind === 'arrival') {
        const v = new SimVehicle(e.session);
        vehicles.set(e.session.id, v);
        plugged.set(e.session.id, v);
      } else if (e.kind === 'departure') {
        const v = plugged.get(e.session.id);
        if (v) v.finalEnergyKwh = v.energyKwh;
        plugged.delete(e.session.id);
      }
    }
    slots.triggers[k] = [...kinds].join(';');

    // 2. The demand-charge period and the peak already set in it.
    const period = inputs.billing?.(t);
    let billed = period ? billing.get(period.key) : undefined;
    if (period && !billed) {
      billed = { key: period.key, pricePerKw: period.pricePerKw, previousPeakKw: billing.size === 0 ? inputs.previousPeakKw : 0, peakKw: 0 };
      billing.set(period.key, billed);
    }

    // 3. Decide, for the vehicles the controller can plan for.
    const controllable: PluggedVehicle[] = [];
    for (const v of plugged.values()) {
      if (believedDepartureUtcMs(inputs, v.session, t) >= t + slotMs) controllable.push({ session: v.session, energyKwh: v.energyKwh });
    }
    let setpoints: ReadonlyMap<string, number> = new Map();
    if (controllable.length > 0) {
      const started = deps.clock();
      const d = controller.decide(t, k, controllable, billed ? Math.max(billed.previousPeakKw, billed.peakKw) : 0);
      const ms = deps.clock() - started;
      setpoints = d.setpointsKw;
      decisionMs.push(ms);
      solverMs.push(d.solverMs);
      slots.decisionMs[k] = ms;
      slots.planStatus[k] = d.status;
      statusCounts[d.status] = (statusCounts[d.status] ?? 0) + 1;
      if (d.planMade !== undefined) {
        slots.planMade[k] = d.planMade;
        planMadeCounts[d.planMade] = (planMadeCounts[d.planMade] ?? 0) + 1;
      }
      if (d.message !== undefined && messages.length < 10 && !messages.includes(d.message)) messages.push(d.message);
    }

    // 4. Physics: every plugged vehicle, for the part of the slot it stays.
    let charge = 0;
    let discharge = 0;
    for (const v of plugged.values()) {
      const s = v.session;
      const steps = Math.max(0, Math.min(inputs.physics.substepsPerSlot, Math.floor((s.departureUtcMs - t) / substepMs)));
      const r = applySetpoint(v.energyKwh, s.capacityKwh, setpoints.get(s.id) ?? 0, v.chargeLimitKw, slotHours, steps, inputs.physics);
      v.energyKwh = r.energyKwh;
      v.chargedKwh += r.chargedKwh;
      v.dischargedKwh += r.dischargedKwh;
      v.lowestEnergyKwh = Math.min(v.lowestEnergyKwh, r.lowestEnergyKwh);
      if (r.dischargedKwh > 0 && r.lowestEnergyKwh < v.floorKwh - energyToleranceKwh) v.reserveBreachSlots++;
      if (r.limited) v.limitedSlots++;
      if (r.averagePowerKw !== 0) {
        let series = chargerPower.get(s.charger.id);
        if (!series) chargerPower.set(s.charger.id, (series = new Array<number>(T).fill(0)));
        series[k]! += r.averagePowerKw;
      }
      charge += r.chargedKwh / slotHours;
      discharge += r.dischargedKwh / slotHours;
    }

    // 5. The site: PV is curtailed only to keep export within its limit.
    const base = signals.baseLoadKw[k]!;
    const pv = signals.pvKw[k]!;
    let net = base - pv + charge - discharge;
    const curtailed = net < 0 ? Math.min(pv, Math.max(0, -net - signals.exportLimitKw[k]!)) : 0;
    net += curtailed;
    const importKw = Math.max(0, net);
    slots.startUtcMs[k] = t;
    slots.marketPricePerKwh[k] = signals.marketPricePerKwh[k]!;
    slots.importPricePerKwh[k] = signals.importPricePerKwh[k]!;
    slots.exportPricePerKwh[k] = signals.exportPricePerKwh[k]!;
    slots.baseLoadKw[k] = base;
    slots.pvKw[k] = pv;
    slots.pvCurtailedKw[k] = curtailed;
    slots.fleetChargeKw[k] = charge;
    slots.fleetDischargeKw[k] = discharge;
    slots.importKw[k] = importKw;
    slots.exportKw[k] = Math.max(0, -net);
    slots.importLimitKw[k] = signals.importLimitKw[k]!;
    slots.exportLimitKw[k] = signals.exportLimitKw[k]!;
    slots.pluggedVehicles[k] = plugged.size;
    if (billed && importKw > billed.peakKw) billed.peakKw = importKw;
    deps.onProgress?.({ slot: k + 1, slotCount: T, decisions: decisionMs.length });
  }
  // Departures at the very end of the replay.
  for (; next < events.length; next++) {
    const e = events[next]!;
    if (e.kind === 'departure') {
      const v = plugged.get(e.session.id);
      if (v) v.finalEnergyKwh = v.energyKwh;
      plugged.delete(e.session.id);
    }
  }

  return {
    policy,
    scenarioName: inputs.scenario.name,
    seed: inputs.seed,
    zone: inputs.site.zone,
    currency: inputs.site.currency,
    slotMinutes: inputs.slotMinutes,
    degradationCostPerKwh: inputs.assumptions.degradationCostPerKwh,
    periodStartUtcMs: inputs.periodStartUtcMs,
    periodEndUtcMs: inputs.periodEndUtcMs,
    simulationEndUtcMs: inputs.simulationEndUtcMs,
    slots,
    chargerPowerKw: [...chargerPower.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([chargerId, powerKw]) => ({ chargerId, powerKw })),
    sessions: inputs.sessions.map((s) => vehicles.get(s.id)?.outcome() ?? new SimVehicle(s).outcome()),
    excluded: inputs.excluded,
    billing: [...billing.values()],
    decisions: { count: decisionMs.length, decisionMs, solverMs, statusCounts, messages, planMadeCounts },
    ...(offline ? { offlinePlan: offlinePlanSummary(offline) } : {}),
    notes: [...inputs.notes, ...unservableNotes(inputs, grid), ...(offline?.notes ?? []), ...(controller.notes ?? []), ...planMadeNotes(planMadeCounts, decisionMs.length)],
    capacityKw: siteCapacityKw(inputs.site),
    ...(inputs.site.network ? { network: problemNetwork(inputs.site.network) } : {}),
  };
}
