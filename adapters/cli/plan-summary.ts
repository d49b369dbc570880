/** A one-screen, human summary of a plan for the terminal. */
import type { Plan } from '../../optimizer/plan.ts';

const money = (x: number) => x.toFixed(2).padStart(12);
const kw = (x: number) => `${x.toFixed(1)} kW`;

export function formatPlanSummary(plan: Plan, title?: string): string {
  const c = plan.cost;
  const lines: string[] = [];
  if (title) lines.push(title);
  lines.push(
    `status         ${plan.status}${plan.message ? ` (${plan.message})` : ''}`,
    `solver         ${plan.stats.backend}: build ${plan.stats.buildMs.toFixed(0)} ms, solve ${plan.stats.solveMs.toFixed(0)} ms` +
      (plan.stats.columns > 0
        ? `, ${plan.stats.columns} columns x ${plan.stats.rows} rows, ${plan.stats.iterations} iterations, ` +
          `${plan.stats.integerColumns} integer columns, ${plan.stats.rounds} round(s)`
        : ''),
    `horizon        ${plan.slotCount} slots of ${plan.slotHours * 60} min, ${plan.vehicles.length} vehicles`,
    '',
    `cost (${plan.currency})`,
    `  energy       ${money(c.energyCost)}`,
    `  export     - ${money(c.exportRevenue).trimStart().padStart(12)}`,
    `  demand       ${money(c.demandCharge)}   peak import ${kw(plan.site.peakImportKw)}`,
    `  degradation  ${money(c.degradationCost)}`,
    `  net cost     ${money(c.netCost)}`,
  );
  const short = plan.vehicles.filter((v) => v.shortfallKwh > 1e-6).sort((a, b) => b.shortfallKwh - a.shortfallKwh);
  lines.push(
    '',
    `shortfall      ${c.shortfallKwh.toFixed(2)} kWh over ${short.length} vehicle(s), penalty ${c.shortfallPenalty.toFixed(2)}`,
  );
  for (const v of short.slice(0, 5)) lines.push(`  ${v.id.padEnd(14)} ${v.shortfallKwh.toFixed(2)} kWh short`);
  if (short.length > 5) lines.push(`  ... and ${short.length - 5} more`);
  if (c.limitExcessKwh > 1e-9) {
    lines.push(`limit excess   ${c.limitExcessKwh.toFixed(2)} kWh above site limits (base load or PV alone exceeds them)`);
  }
  const charged = plan.vehicles.reduce((s, v) => s + v.powerKw.reduce((a, p) => a + Math.max(0, p), 0), 0) * plan.slotHours;
  const discharged = plan.vehicles.reduce((s, v) => s + v.powerKw.reduce((a, p) => a + Math.max(0, -p), 0), 0) * plan.slotHours;
  lines.push(`fleet energy   ${charged.toFixed(1)} kWh charged, ${discharged.toFixed(1)} kWh discharged (grid side)`);
  return lines.join('\n');
}
