/** A one-screen, human summary of a plan for the terminal. */
import { networkLoading } from '../../optimizer/network/network-loading.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';

const money = (x: number) => x.toFixed(2).padStart(12);
const kw = (x: number) => `${x.toFixed(1)} kW`;

/** How stored energy entered the model (optimizer/energy-rows.ts), in words. */
const energyFormLabel = { prefix: 'prefix sums', chain: 'energy chain' } as const;

/** The LP bound and the objective's distance to it, for plans from an LP backend. */
function bound(plan: Plan): string {
  const lower = plan.stats.relaxationObjective;
  if (lower === undefined) return '';
  const gap = plan.cost.objective - lower;
  const relative = Math.abs(lower) > 1e-9 ? `${((100 * gap) / Math.abs(lower)).toFixed(4)} %` : gap.toFixed(4);
  return `   LP bound ${lower.toFixed(4)}, gap ${relative}`;
}

/** Which candidate the plan is, its objective, the bound and gap, and the budget (plans from LP backends). */
function origin(plan: Plan): string[] {
  const o = plan.origin;
  if (!o) return [];
  const which = o.source === 'baseline' ? `the ${o.baseline} baseline` : o.source === 'idle' ? 'all vehicles idle' : o.source;
  const gap = o.gapPct !== undefined ? `, gap ${o.gapPct.toFixed(4)} % to the bound ${o.bound!.toFixed(4)}` : o.bound !== undefined ? `, ${o.gap!.toFixed(4)} above the bound ${o.bound.toFixed(4)}` : ', no bound known';
  const budget = `${(o.elapsedMs / 1000).toFixed(1)} s of ${(o.timeLimitMs / 1000).toFixed(1)} s${o.timedOut ? ', out of time' : ''}`;
  return [`plan           ${which} (best of ${o.candidates.length} valid candidate(s)), objective ${o.objective.toFixed(4)}${gap}; ${budget}`];
}

/**
 * Status, solver and timing, which candidate the plan is (with its gap and the time budget), horizon, the cost breakdown (energy, export revenue, demand charge with the
 * peak, degradation, net cost, and the objective with the LP bound when there is one), the shortfall (the
 * five largest by vehicle), any unavoidable limit excess and the fleet's energy; with the problem's
 * three-phase network, the most loaded elements (peak current against limit) and the mean NEMA current
 * unbalance of the transformer's lines. Money in the plan's currency, power in kW, energy in kWh.
 */
export function formatPlanSummary(plan: Plan, title?: string, problem?: Problem): string {
  const c = plan.cost;
  const lines: string[] = [];
  if (title) lines.push(title);
  lines.push(
    `status         ${plan.status}${plan.message ? ` (${plan.message})` : ''}`,
    `solver         ${plan.stats.backend}: build ${plan.stats.buildMs.toFixed(0)} ms, solve ${plan.stats.solveMs.toFixed(0)} ms` +
      (plan.stats.columns > 0
        ? `, ${plan.stats.columns} columns x ${plan.stats.rows} rows, ${plan.stats.iterations} iterations, ` +
          `${plan.stats.integerColumns} integer columns, ${plan.stats.rounds} round(s)` +
          (plan.stats.energyForm ? `, energy rows: ${energyFormLabel[plan.stats.energyForm]}` : '') +
          (plan.stats.warmStart ? ', first LP warm-started from an earlier basis' : '') +
          (plan.stats.taperRows ? `, taper-aware: ${plan.stats.taperRows} charge-taper rows` : '')
        : plan.stats.backend === 'decomposition'
          ? `, ${plan.stats.iterations} price iterations, ${plan.stats.rounds} recoveries`
          : ''),
    ...origin(plan),
    `horizon        ${plan.slotCount} slots of ${plan.slotHours * 60} min, ${plan.vehicles.length} vehicles`,
    '',
    `cost (${plan.currency})`,
    `  energy       ${money(c.energyCost)}`,
    `  export     - ${money(c.exportRevenue).trimStart().padStart(12)}`,
    `  demand       ${money(c.demandCharge)}   peak import ${kw(plan.site.peakImportKw)}`,
    `  degradation  ${money(c.degradationCost)}`,
    `  net cost     ${money(c.netCost)}`,
    `  objective    ${money(c.objective)}${bound(plan)}`,
  );
  const short = plan.vehicles.filter((v) => v.shortfallKwh > 1e-6).sort((a, b) => b.shortfallKwh - a.shortfallKwh);
  lines.push(
    '',
    `shortfall      ${c.shortfallKwh.toFixed(2)} kWh over ${short.length} vehicle(s), penalty ${c.shortfallPenalty.toFixed(2)}`,
  );
  for (const v of short.slice(0, 5)) {
    const why = v.shortfallReason ? ` (${v.shortfallReason.kind}: ${v.shortfallReason.detail})` : '';
    lines.push(`  ${v.id.padEnd(14)} ${v.shortfallKwh.toFixed(2)} kWh short${why}`);
  }
  if (short.length > 5) lines.push(`  ... and ${short.length - 5} more`);
  if (c.limitExcessKwh > 1e-9) {
    lines.push(`limit excess   ${c.limitExcessKwh.toFixed(2)} kWh above site limits (base load or PV alone exceeds them)`);
  }
  const charged = plan.vehicles.reduce((s, v) => s + v.powerKw.reduce((a, p) => a + Math.max(0, p), 0), 0) * plan.slotHours;
  const discharged = plan.vehicles.reduce((s, v) => s + v.powerKw.reduce((a, p) => a + Math.max(0, -p), 0), 0) * plan.slotHours;
  lines.push(`fleet energy   ${charged.toFixed(1)} kWh charged, ${discharged.toFixed(1)} kWh discharged (grid side)`);
  if (problem?.network) lines.push(...networkLines(plan, problem));
  return lines.join('\n');
}

/** The three most loaded limited elements and the unbalance, under the plan's charger powers. */
function networkLines(plan: Plan, problem: Problem): string[] {
  const byCharger = new Map<string, number[]>();
  for (const v of plan.vehicles) {
    const series = byCharger.get(v.chargerId) ?? new Array<number>(plan.slotCount).fill(0);
    v.powerKw.forEach((p, t) => (series[t] = series[t]! + p));
    byCharger.set(v.chargerId, series);
  }
  const loading = networkLoading(problem.network!, byCharger, plan.slotCount);
  const limited = loading.elements.filter((e) => e.peakLoadingPct !== undefined).sort((a, b) => b.peakLoadingPct! - a.peakLoadingPct!);
  const unbalance = loading.meanSecondaryUnbalancePct;
  return [
    `network        mean NEMA current unbalance ${unbalance === undefined ? '-' : `${unbalance.toFixed(1)} %`} (transformer secondary lines)`,
    ...limited.slice(0, 3).map((e) => `  ${e.name.padEnd(36)} peak ${e.peakA.toFixed(1)} A of ${e.limitA!.toFixed(1)} A (${e.peakLoadingPct!.toFixed(1)} %)`),
  ];
}
