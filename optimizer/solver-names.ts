/** The names `optimize` accepts (kept apart from optimize.ts so that a command line can list them without loading a solver). */
import { baselineNames, type BaselineName } from './baselines/baseline-names.ts';
import type { LpSolverName } from './worker/messages.ts';

export type SolverName = LpSolverName | BaselineName;

export const lpSolverNames: readonly LpSolverName[] = ['highs', 'lp-solver'];
export const solverNames: readonly SolverName[] = [...lpSolverNames, ...baselineNames];

export function isSolverName(name: string): name is SolverName {
  return (solverNames as readonly string[]).includes(name);
}
