/**
 * How a run was made, in words, for every output a reader sees (terminal, CSV, Markdown, JSON, HTML): the
 * offline reference says whether it is proven optimal and its bound; a rolling policy counts its decisions
 * by status (a fallback or an error decision shows up here, never silently) and by how their plan was made where a
 * controller said so (`Decision.planMade`, e.g. re-solved delivery first).
 */
import type { ReplayResult } from './replay-result.ts';

/** The row name of a run in a comparison: the offline reference is marked when it is not proven optimal. */
export function runRowName(result: ReplayResult): string {
  if (result.policy !== 'offline') return result.policy;
  return result.offlinePlan?.status === 'optimal' ? 'offline (reference)' : 'offline (reference, NOT PROVEN OPTIMAL)';
}

/** One line: how the run's decisions were made. */
export function howRunWasMade(result: ReplayResult): string {
  if (result.offlinePlan) return result.offlinePlan.label;
  const counts = Object.entries(result.decisions.statusCounts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const byStatus = counts.map(([status, n]) => `${status} ${n}`).join(', ');
  const made = Object.entries(result.decisions.planMadeCounts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const byMade = made.map(([how, n]) => `${how} ${n}`).join(', ');
  return `${result.decisions.count} decisions${byStatus ? ` (${byStatus}${byMade ? `; ${byMade}` : ''})` : ''}`;
}
