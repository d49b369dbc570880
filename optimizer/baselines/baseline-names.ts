/** The baseline strategies' names (index.ts implements them). */
export type BaselineName = 'uncontrolled' | 'alap' | 'edf' | 'llf' | 'round-robin' | 'price-greedy';

export const baselineNames: readonly BaselineName[] = [
  'uncontrolled',
  'alap',
  'edf',
  'llf',
  'round-robin',
  'price-greedy',
];
