/**
 * Key performance indicators of a replay, all computed from what the simulation recorded (the physics),
 * never from a plan. Money is in the site currency; energies in kWh (grid side unless stated); powers in kW.
 *
 * - energyCost = sum dt x importPrice x import; exportRevenue = sum dt x exportPrice x export;
 * - demandCharge = sum over billing months touched of pricePerKw x max(peak carried in, peak in the replay)
 *   (a one-week replay is billed the full monthly rate on its peak: the bill of a month with that peak);
 * - degradationThroughputKwh = charged + discharged (grid side); degradationCost = that x cost per kWh;
 * - netCost = energyCost - exportRevenue + demandCharge + degradationCost;
 * - per session (in the battery): requested = target - initial, delivered = min(final, target) - initial
 *   (>= 0), unmet = max(0, target - final), satisfaction = delivered / requested (100 % when nothing was
 *   requested); energyDeliveredPct = sum delivered / sum requested; a session "meets 90 %" when its
 *   satisfaction is at least 90 %;
 * - limit violations: import above the import limit plus export above the export limit (kWh, slots);
 * - solve times: wall time of each decision (assembly + solve + validation) by the injected clock; for
 *   `offline` the one solve;
 * - gapToOfflinePct = (netCost - offline netCost) / |offline netCost| x 100, when the offline run is given;
 * - maxUtilisationPct = peak import / the site's capacity x 100 (capacityKw: the network transformer's
 *   rating, else the tightest of connection and transformer);
 * - with a three-phase network (scenarioNetworkLoading, from the chargers' recorded power):
 *   currentUnbalancePct = mean NEMA current unbalance of the transformer's secondary lines over the slots
 *   where current flows (largest deviation of a line from the mean of the three, over that mean);
 *   peakLineLoadingPct = the highest current over its limit of any limited element (group, breaker line,
 *   transformer line), above 100 where a policy broke it; networkViolationSlots = element-slots above limit.
 */
import { networkLoading, type NetworkLoading } from '../optimizer/network/network-loading.ts';
import type { ReplayResult } from './replay-result.ts';

/** The KPIs of one run, by name (the names in run.json and the compare table). */
export interface Kpis {
  readonly energyCost: number;
  readonly exportRevenue: number;
  readonly demandCharge: number;
  readonly degradationThroughputKwh: number;
  readonly degradationCost: number;
  readonly netCost: number;
  readonly energyRequestedKwh: number;
  readonly energyDeliveredKwh: number;
  readonly energyDeliveredPct: number;
  readonly sessionCount: number;
  readonly sessionsMet90Count: number;
  readonly sessionsMet90Pct: number;
  readonly unmetKwhTotal: number;
  /** Least and most energy missing for one session (kWh), and the standard deviation over sessions. */
  readonly unmetKwhPerSessionMin: number;
  readonly unmetKwhPerSessionMax: number;
  readonly unmetKwhPerSessionStd: number;
  /** Lowest per-session satisfaction (%) and its standard deviation over sessions (percentage points). */
  readonly satisfactionMinPct: number;
  readonly satisfactionStdPct: number;
  readonly peakImportKw: number;
  readonly peakExportKw: number;
  readonly dischargedKwh: number;
  readonly limitViolationKwh: number;
  readonly limitViolationCount: number;
  /** Slots in which discharge took a vehicle below its reserve (should be 0). */
  readonly reserveViolationCount: number;
  /** Slots in which a vehicle drew less than its setpoint (charge taper, full battery). */
  readonly taperLimitedSlots: number;
  readonly solveCount: number;
  readonly solveTimeP50Ms: number;
  readonly solveTimeP95Ms: number;
  readonly solveTimeMaxMs: number;
  /** Undefined when no offline run was given (or its net cost is 0). */
  readonly gapToOfflinePct: number | undefined;
  /** Peak import over the site's capacity (%); undefined when the result states no capacity. */
  readonly maxUtilisationPct: number | undefined;
  /** Mean NEMA current unbalance of the transformer's secondary lines (%); undefined without a network or current. */
  readonly currentUnbalancePct: number | undefined;
  /** Highest current over its limit of any limited network element (%); undefined without a network. */
  readonly peakLineLoadingPct: number | undefined;
  /** Element-slots whose current was above its limit (0 for a policy inside the limits); undefined without a network. */
  readonly networkViolationSlots: number | undefined;
}

/** The network's loading in a replay (undefined without a network): from each charger's recorded power. */
export function scenarioNetworkLoading(result: ReplayResult): NetworkLoading | undefined {
  if (result.network === undefined) return undefined;
  const power = new Map(result.chargerPowerKw.map((c) => [c.chargerId, c.powerKw]));
  return networkLoading(result.network, power, result.slots.startUtcMs.length);
}

/** The p-quantile (0..1) of `values` by the nearest-rank method; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

function std(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

/** KPIs of a run; `offline` is the offline run of the same scenario and seed, for the gap. */
export function computeKpis(result: ReplayResult, offline?: ReplayResult): Kpis {
  const s = result.slots;
  const dt = result.slotMinutes / 60;
  let energyCost = 0;
  let exportRevenue = 0;
  let charged = 0;
  let discharged = 0;
  let violationKwh = 0;
  let violationCount = 0;
  let peakImportKw = 0;
  let peakExportKw = 0;
  for (let k = 0; k < s.startUtcMs.length; k++) {
    energyCost += dt * s.importPricePerKwh[k]! * s.importKw[k]!;
    exportRevenue += dt * s.exportPricePerKwh[k]! * s.exportKw[k]!;
    charged += dt * s.fleetChargeKw[k]!;
    discharged += dt * s.fleetDischargeKw[k]!;
    const over = Math.max(0, s.importKw[k]! - s.importLimitKw[k]!) + Math.max(0, s.exportKw[k]! - s.exportLimitKw[k]!);
    if (over > 1e-6) {
      violationKwh += dt * over;
      violationCount++;
    }
    peakImportKw = Math.max(peakImportKw, s.importKw[k]!);
    peakExportKw = Math.max(peakExportKw, s.exportKw[k]!);
  }
  const demandCharge = result.billing.reduce((sum, b) => sum + b.pricePerKw * Math.max(b.previousPeakKw, b.peakKw), 0);
  const degradationCost = result.degradationCostPerKwh * (charged + discharged);
  const requested = result.sessions.map((o) => o.session.targetEnergyKwh - o.session.initialEnergyKwh);
  const delivered = result.sessions.map((o) => Math.max(0, Math.min(o.finalEnergyKwh, o.session.targetEnergyKwh) - o.session.initialEnergyKwh));
  const unmet = result.sessions.map((o) => Math.max(0, o.session.targetEnergyKwh - o.finalEnergyKwh));
  const satisfaction = result.sessions.map((_, i) => (requested[i]! > 1e-9 ? (100 * delivered[i]!) / requested[i]! : 100));
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const met = satisfaction.filter((x) => x >= 90 - 1e-9).length;
  const times = result.policy === 'offline' && result.offlinePlan ? [result.offlinePlan.elapsedMs] : [...result.decisions.decisionMs];
  const netCost = energyCost - exportRevenue + demandCharge + degradationCost;
  const offlineNet = offline ? computeKpis(offline).netCost : undefined;
  const loading = scenarioNetworkLoading(result);
  return {
    energyCost,
    exportRevenue,
    demandCharge,
    degradationThroughputKwh: charged + discharged,
    degradationCost,
    netCost,
    energyRequestedKwh: sum(requested),
    energyDeliveredKwh: sum(delivered),
    energyDeliveredPct: sum(requested) > 0 ? (100 * sum(delivered)) / sum(requested) : 100,
    sessionCount: result.sessions.length,
    sessionsMet90Count: met,
    sessionsMet90Pct: result.sessions.length > 0 ? (100 * met) / result.sessions.length : 100,
    unmetKwhTotal: sum(unmet),
    unmetKwhPerSessionMin: unmet.length > 0 ? Math.min(...unmet) : 0,
    unmetKwhPerSessionMax: unmet.length > 0 ? Math.max(...unmet) : 0,
    unmetKwhPerSessionStd: std(unmet),
    satisfactionMinPct: satisfaction.length > 0 ? Math.min(...satisfaction) : 100,
    satisfactionStdPct: std(satisfaction),
    peakImportKw,
    peakExportKw,
    dischargedKwh: discharged,
    limitViolationKwh: violationKwh,
    limitViolationCount: violationCount,
    reserveViolationCount: result.sessions.reduce((a, o) => a + o.reserveBreachSlots, 0),
    taperLimitedSlots: result.sessions.reduce((a, o) => a + o.limitedSlots, 0),
    solveCount: times.length,
    solveTimeP50Ms: percentile(times, 0.5),
    solveTimeP95Ms: percentile(times, 0.95),
    solveTimeMaxMs: times.length > 0 ? Math.max(...times) : 0,
    gapToOfflinePct: offlineNet !== undefined && Math.abs(offlineNet) > 1e-9 ? (100 * (netCost - offlineNet)) / Math.abs(offlineNet) : undefined,
    maxUtilisationPct: result.capacityKw !== undefined && result.capacityKw > 0 ? (100 * peakImportKw) / result.capacityKw : undefined,
    currentUnbalancePct: loading?.meanSecondaryUnbalancePct,
    peakLineLoadingPct: loading?.peakLoadingPct,
    networkViolationSlots: loading ? loading.elements.reduce((n, e) => n + e.slotsOverLimit, 0) : undefined,
  };
}

