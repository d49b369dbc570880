/**
 * Which LP backend `replay`, `compare` and `sweep` solve with: HiGHS (WebAssembly; the default) or COIN-OR CLP
 * (native, through koffi; opt-in by `--lp-backend clp` or `V2G_LP_BACKEND=clp`), never switched silently: CLP
 * asked for but missing is an error naming the package to install, not a fallback. CLP solves the LPs; the MILPs
 * (exact polish, MILP integer strategies) stay on HiGHS, and the label says so.
 */
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { CliInputError } from './cli-input-error.ts';

/** The LP backends a command can be asked for. */
export const lpBackendNames = ['highs', 'clp'] as const;
export type LpBackendName = (typeof lpBackendNames)[number];

/** The environment variable naming the LP backend (read by the sweep's worker processes too). */
export const lpBackendEnv = 'V2G_LP_BACKEND';

/** The backend named by `flag`, else by `V2G_LP_BACKEND`, else HiGHS; an unknown name is a `CliInputError` (exit 2). */
export function lpBackendChoice(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LpBackendName {
  const given = flag ?? env[lpBackendEnv];
  if (given === undefined || given === '') return 'highs';
  if ((lpBackendNames as readonly string[]).includes(given)) return given as LpBackendName;
  const source = flag !== undefined ? '--lp-backend' : lpBackendEnv;
  throw new CliInputError(`V2G_ERR_LP_BACKEND_UNKNOWN: ${source} is "${given}"; the LP backends are ${lpBackendNames.join(', ')}`);
}

/** A loaded LP backend and how runs name it. */
export interface LoadedLpBackend {
  readonly name: LpBackendName;
  readonly backend: LpBackend;
  /** HiGHS's version: loaded either way (CLP hands it the MILPs). */
  readonly highsVersion: string;
  /** libClp's version when `name` is `clp`. */
  readonly clpVersion?: string;
  /** The solver as runs, rows and labels name it: `highs 1.15.1`, or `clp 1.17.6 (MILPs: highs 1.15.1)`. */
  readonly label: string;
  /** The size of HiGHS's WebAssembly heap now (bytes; it never shrinks), undefined when unknown (CLP's own memory is native). */
  heapBytes(): number | undefined;
}

/** Loads the backend `name` (HiGHS in this process; CLP's shared library, or `V2G_ERR_CLP_MISSING`, exit 69). */
export async function loadLpBackend(name: LpBackendName): Promise<LoadedLpBackend> {
  const [{ loadHighs, highsMemory }, { createHighsBackend }] = await Promise.all([
    import('../../optimizer/backends/highs-loader.ts'),
    import('../../optimizer/backends/highs-backend.ts'),
  ]);
  const highs = await loadHighs();
  const highsBackend = createHighsBackend(highs);
  const highsVersion = highs.version.string;
  const memory = highsMemory(highs);
  const heapBytes = (): number | undefined => memory?.buffer.byteLength;
  if (name === 'highs') return { name, backend: highsBackend, highsVersion, label: `highs ${highsVersion}`, heapBytes };
  const [{ loadClpLibrary }, { createClpBackend }] = await Promise.all([import('../solvers/clp-library.ts'), import('../../optimizer/backends/clp-backend.ts')]);
  let library;
  try {
    library = loadClpLibrary();
  } catch (error) {
    throw new CliInputError((error as Error).message, 69);
  }
  return {
    name,
    backend: createClpBackend(library, { milp: highsBackend }),
    highsVersion,
    clpVersion: library.version,
    label: `clp ${library.version} (MILPs: highs ${highsVersion})`,
    heapBytes,
  };
}
