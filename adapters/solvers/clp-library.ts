/**
 * Loads COIN-OR CLP's shared library (Debian: `coinor-libclp1`) through koffi and binds the C interface
 * functions the CLP backend calls (optimizer/backends/clp-backend.ts). Loading a shared library is I/O, so it
 * sits here at the edge; the backend gets the bound functions injected.
 */
import { createRequire } from 'node:module';
import type { ClpLibrary, ClpModelHandle } from '../../optimizer/backends/clp-backend.ts';

/** Error code when CLP was asked for but cannot be loaded. */
export const clpMissingCode = 'V2G_ERR_CLP_MISSING';

/** The library names tried, in order (`V2G_CLP_LIBRARY` names another path). */
const candidates = ['libClp.so.1', 'libClp.so', 'libClp.dylib'];

type Koffi = typeof import('koffi');

/** Loads libClp (once per process) or throws `V2G_ERR_CLP_MISSING` naming the package to install. */
export function loadClpLibrary(path: string | undefined = process.env['V2G_CLP_LIBRARY']): ClpLibrary {
  const key = path ?? '';
  const cached = loaded.get(key);
  if (cached !== undefined) return cached;
  const library = bind(path);
  loaded.set(key, library);
  return library;
}
const loaded = new Map<string, ClpLibrary>();

function bind(path: string | undefined): ClpLibrary {
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (error) {
    throw new Error(`${clpMissingCode}: the CLP backend needs the npm package koffi (${(error as Error).message})`);
  }
  const errors: string[] = [];
  let lib: ReturnType<Koffi['load']> | undefined;
  for (const name of path !== undefined ? [path] : candidates) {
    try {
      lib = koffi.load(name);
      break;
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  if (lib === undefined) {
    throw new Error(`${clpMissingCode}: the CLP backend needs COIN-OR CLP's shared library (Debian/Ubuntu: apt-get install coinor-libclp1); ${errors.join('; ')}`);
  }
  const model = koffi.opaque('Clp_Simplex');
  const ptr = koffi.pointer(model);
  const f = (signature: string) => lib.func(signature);
  const version = f('const char *Clp_Version(void)') as () => string;
  const newModel = f('Clp_Simplex *Clp_newModel(void)');
  const deleteModel = f('void Clp_deleteModel(Clp_Simplex *model)');
  const loadProblem = f(
    'void Clp_loadProblem(Clp_Simplex *model, int numcols, int numrows, const int *start, const int *index, const double *value, const double *collb, const double *colub, const double *obj, const double *rowlb, const double *rowub)',
  );
  const addRows = f('void Clp_addRows(Clp_Simplex *model, int number, const double *rowLower, const double *rowUpper, const int *rowStarts, const int *columns, const double *elements)');
  const addColumns = f('void Clp_addColumns(Clp_Simplex *model, int number, const double *columnLower, const double *columnUpper, const double *objective, const int *columnStarts, const int *rows, const double *elements)');
  const chgColumnLower = f('void Clp_chgColumnLower(Clp_Simplex *model, const double *columnLower)');
  const chgColumnUpper = f('void Clp_chgColumnUpper(Clp_Simplex *model, const double *columnUpper)');
  const chgObjCoefficients = f('void Clp_chgObjCoefficients(Clp_Simplex *model, const double *objIn)');
  const setLogLevel = f('void Clp_setLogLevel(Clp_Simplex *model, int value)');
  const setMaximumSeconds = f('void Clp_setMaximumSeconds(Clp_Simplex *model, double value)');
  const setMaximumIterations = f('void Clp_setMaximumIterations(Clp_Simplex *model, int value)');
  const initialSolve = f('int Clp_initialSolve(Clp_Simplex *model)');
  const initialDualSolve = f('int Clp_initialDualSolve(Clp_Simplex *model)');
  const initialPrimalSolve = f('int Clp_initialPrimalSolve(Clp_Simplex *model)');
  const initialBarrierSolve = f('int Clp_initialBarrierSolve(Clp_Simplex *model)');
  const dual = f('int Clp_dual(Clp_Simplex *model, int ifValuesPass)');
  const primal = f('int Clp_primal(Clp_Simplex *model, int ifValuesPass)');
  const status = f('int Clp_status(Clp_Simplex *model)');
  const secondaryStatus = f('int Clp_secondaryStatus(Clp_Simplex *model)');
  const numberPrimalInfeasibilities = f('int Clp_numberPrimalInfeasibilities(Clp_Simplex *model)');
  const iterationCount = f('int Clp_getIterationCount(Clp_Simplex *model)');
  const objectiveValue = f('double Clp_getObjValue(Clp_Simplex *model)');
  const colSolution = f('const void *Clp_getColSolution(Clp_Simplex *model)');
  const rowPrice = f('const void *Clp_getRowPrice(Clp_Simplex *model)');
  const rowActivityOf = f('const void *Clp_getRowActivity(Clp_Simplex *model)');
  const reducedCostOf = f('const void *Clp_getReducedCost(Clp_Simplex *model)');
  const statusExists = f('int Clp_statusExists(Clp_Simplex *model)');
  const statusArray = f('void *Clp_statusArray(Clp_Simplex *model)');
  const copyinStatus = f('void Clp_copyinStatus(Clp_Simplex *model, const uint8_t *statusArray)');
  const primalColumnSolution = f('void *Clp_primalColumnSolution(Clp_Simplex *model)');
  const primalRowSolution = f('void *Clp_primalRowSolution(Clp_Simplex *model)');
  const numberColumns = f('int Clp_numberColumns(Clp_Simplex *model)');
  const numberRows = f('int Clp_numberRows(Clp_Simplex *model)');
  /** Copies `values` into CLP's own array at `p` (its length checked against the model's). */
  const writeInto = (p: unknown, values: Float64Array, expected: number) => {
    if (values.length !== expected) throw new Error(`CLP: ${values.length} values for ${expected} entries`);
    if (values.length > 0 && p !== null) new Float64Array(koffi.view(p, values.length * 8)).set(values);
  };
  void ptr;
  const doubles = (p: unknown, n: number): Float64Array => (n === 0 || p === null ? new Float64Array(n) : new Float64Array(koffi.view(p, n * 8).slice(0)));
  return {
    version: version(),
    newModel: () => newModel() as ClpModelHandle,
    deleteModel: (m) => deleteModel(m),
    loadProblem: (m, nc, nr, starts, index, values, cl, cu, cost, rl, ru) => loadProblem(m, nc, nr, starts, index, values, cl, cu, cost, rl, ru),
    addRows: (m, n, lo, up, starts, cols, values) => addRows(m, n, lo, up, starts, cols, values),
    addColumns: (m, n, lo, up, cost, starts, rows, values) => addColumns(m, n, lo, up, cost, starts, rows, values),
    chgColumnLower: (m, a) => chgColumnLower(m, a),
    chgColumnUpper: (m, a) => chgColumnUpper(m, a),
    chgObjCoefficients: (m, a) => chgObjCoefficients(m, a),
    setLogLevel: (m, v) => setLogLevel(m, v),
    setMaximumSeconds: (m, v) => setMaximumSeconds(m, v),
    setMaximumIterations: (m, v) => setMaximumIterations(m, v),
    initialSolve: (m) => initialSolve(m) as number,
    initialDualSolve: (m) => initialDualSolve(m) as number,
    initialPrimalSolve: (m) => initialPrimalSolve(m) as number,
    initialBarrierSolve: (m) => initialBarrierSolve(m) as number,
    dual: (m, v) => dual(m, v) as number,
    primal: (m, v) => primal(m, v) as number,
    status: (m) => status(m) as number,
    secondaryStatus: (m) => secondaryStatus(m) as number,
    numberPrimalInfeasibilities: (m) => numberPrimalInfeasibilities(m) as number,
    iterationCount: (m) => iterationCount(m) as number,
    objectiveValue: (m) => objectiveValue(m) as number,
    colSolution: (m, n) => doubles(colSolution(m), n),
    rowPrice: (m, n) => doubles(rowPrice(m), n),
    statusArray: (m, n) => (statusExists(m) === 0 ? undefined : new Uint8Array(koffi.view(statusArray(m), n).slice(0))),
    copyinStatus: (m, s) => copyinStatus(m, s),
    writePrimal: (m, x, activity) => {
      writeInto(primalColumnSolution(m), x, numberColumns(m) as number);
      writeInto(primalRowSolution(m), activity, numberRows(m) as number);
    },
    reducedCost: (m, n) => doubles(reducedCostOf(m), n),
    rowActivity: (m, n) => doubles(rowActivityOf(m), n),
  };
}
