/** Why COIN-OR CLP cannot be loaded here (for `describeNeeding`), or undefined when it can. */
import { loadClpLibrary } from '../../../adapters/solvers/clp-library.ts';

export const clpMissing: string | undefined = ((): string | undefined => {
  try {
    loadClpLibrary();
    return undefined;
  } catch (error) {
    return `COIN-OR CLP's shared library (apt-get install coinor-libclp1): ${(error as Error).message}`;
  }
})();
