/**
 * The two LPs of a captured flow child (bench/site-child-capture.ts) from different starts, LP only (no repair), on
 * fresh HiGHS models, CPU ms (issue 17 session 16, helper child): the capped LP from the slack or the greedy crash basis
 * (optimizer/crash-basis.ts); the uncapped LP from the capped LP's optimal basis (dual, primal, bounds then costs,
 * costs then bounds), cold from the slack or the crash basis; the capped LP warm from the uncapped LP's basis.
 *   node bin/run-ts.mjs bench/uncapped-start-probe.ts /tmp/child-cases/site-1.json [reps]
 */
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { directHandOver } from '../optimizer/backends/highs-handover.ts';
import { greedyCrashBasis } from '../optimizer/crash-basis.ts';
import { chooseEnergyForm } from '../optimizer/energy-rows.ts';
import { buildFormulation, type Formulation } from '../optimizer/formulation.ts';
import { pricedProblem, uncappedAdderOf, withImportCap } from '../optimizer/portfolio/site-subproblem.ts';
import { resolveProblem, type ResolvedProblem } from '../optimizer/resolved-problem.ts';
import { cpuMs, readChildCase } from './support/child-case.ts';

const file = process.argv[2]!;
const reps = Number(process.argv[3] ?? 2);
const { problem, request } = readChildCase(file);
const highs = await loadHighs();
const open = directHandOver(highs)!;
const { uncappedBound: _a, uncappedAdderPerKwh: _b, ...capped } = request;
const buildFrom = withImportCap(problem, request.importCapKw!);
const rpBuild = resolveProblem(buildFrom);
const form = chooseEnergyForm(rpBuild);
const f = buildFormulation(rpBuild, undefined, form);
const rpCapped = resolveProblem(pricedProblem(problem, capped).problem);
const rpUnc = resolveProblem(pricedProblem(problem, { adderPerKwh: uncappedAdderOf(request) }).problem);
/** As resident-site.ts lpAt: the site columns' costs and every column's bounds for a priced problem. */
function siteColumns(fm: Formulation, rp: ResolvedProblem) {
  const cost = Float64Array.from(fm.lp.colCost);
  const lower = Float64Array.from(fm.lp.colLower);
  const upper = Float64Array.from(fm.lp.colUpper);
  const { importKw, importExcessKw, exportKw, exportExcessKw } = fm.columns;
  const dt = rp.slotHours;
  for (let t = 0; t < rp.slotCount; t++) {
    const price = rp.importPricePerKwh[t]!;
    const ep = rp.exportPricePerKwh[t]!;
    const nb = rp.netBaseKw[t]!;
    const pen = rp.limitExcessPenaltyPerKwh;
    cost[importKw[t]!] = dt * price;
    upper[importKw[t]!] = rp.importLimitKw[t]!;
    if (importExcessKw[t]! >= 0) { cost[importExcessKw[t]!] = dt * (price + pen); upper[importExcessKw[t]!] = Math.max(0, nb - rp.importLimitKw[t]!); }
    if (exportKw[t]! >= 0) { cost[exportKw[t]!] = -dt * ep; upper[exportKw[t]!] = rp.exportLimitKw[t]!; }
    if (exportExcessKw[t]! >= 0) { cost[exportExcessKw[t]!] = dt * (pen - ep); upper[exportExcessKw[t]!] = Math.max(0, -nb - rp.exportLimitKw[t]!); }
  }
  return { cost, lower, upper };
}
const cap = siteColumns(f, rpCapped);
const unc = siteColumns(f, rpUnc);
const all = Int32Array.from({ length: f.lp.numCols }, (_, j) => j);
type Model = ReturnType<typeof open>;
const setLp = (m: Model, s: { cost: Float64Array; lower: Float64Array; upper: Float64Array }) => {
  m.changeColsCost({ kind: 'set', indices: all }, s.cost);
  m.changeColsBounds({ kind: 'set', indices: all }, s.lower, s.upper);
};
const runM = (m: Model, options: object = {}) => {
  m.options.set({ output_flag: false, presolve: 'off', simplex_strategy: 1, ...options });
  const c0 = cpuMs();
  m.run();
  return { ms: cpuMs() - c0, it: Number(m.info.get('simplex_iteration_count')), obj: m.getObjectiveValue(), st: m.getModelStatus() };
};
const lines = new Map<string, string[]>();
const note = (k: string, r: { ms: number; it: number; obj: number; st: number }) => { const l = lines.get(k) ?? []; l.push(`${r.ms.toFixed(0)} ms ${r.it} it ${r.obj.toFixed(6)} st ${r.st}`); lines.set(k, l); };
for (let rep = 0; rep < reps; rep++) {
  // The capped LP then the uncapped from its basis (today).
  for (const variant of ['dual', 'primal', 'bounds-then-costs', 'costs-then-bounds']) {
    const m = open(f.lp);
    setLp(m, cap);
    const c = runM(m);
    note('capped LP (slack)', c);
    if (variant === 'bounds-then-costs') {
      m.changeColsBounds({ kind: 'set', indices: all }, unc.lower, unc.upper);
      const a = runM(m);
      m.changeColsCost({ kind: 'set', indices: all }, unc.cost);
      const b = runM(m, { simplex_strategy: 4 });
      note(`uncapped warm ${variant}`, { ms: a.ms + b.ms, it: a.it + b.it, obj: b.obj, st: b.st });
    } else if (variant === 'costs-then-bounds') {
      m.changeColsCost({ kind: 'set', indices: all }, unc.cost);
      const a = runM(m, { simplex_strategy: 4 });
      m.changeColsBounds({ kind: 'set', indices: all }, unc.lower, unc.upper);
      const b = runM(m);
      note(`uncapped warm ${variant}`, { ms: a.ms + b.ms, it: a.it + b.it, obj: b.obj, st: b.st });
    } else {
      setLp(m, unc);
      note(`uncapped warm ${variant}`, runM(m, variant === 'primal' ? { simplex_strategy: 4 } : {}));
    }
    m.dispose();
  }
  // The uncapped LP cold (slack, crash).
  {
    const m = open(f.lp);
    setLp(m, unc);
    note('uncapped cold slack', runM(m));
    m.dispose();
    const m2 = open(f.lp);
    setLp(m2, unc);
    const fu = { ...f, lp: { ...f.lp, colCost: unc.cost, colUpper: unc.upper } };
    const basis = greedyCrashBasis(rpUnc, fu);
    if (basis) m2.setBasis({ colStatus: Int32Array.from(basis.colStatus), rowStatus: Int32Array.from(basis.rowStatus) });
    note('uncapped cold crash', runM(m2));
    // then the capped from the uncapped basis
    setLp(m2, cap);
    note('capped warm from uncapped (dual)', runM(m2));
    m2.dispose();
  }
  {
    const m = open(f.lp);
    setLp(m, cap);
    const fc = { ...f, lp: { ...f.lp, colCost: cap.cost, colUpper: cap.upper } };
    const basis = greedyCrashBasis(rpCapped, fc);
    if (basis) m.setBasis({ colStatus: Int32Array.from(basis.colStatus), rowStatus: Int32Array.from(basis.rowStatus) });
    note('capped LP (crash)', runM(m));
    m.dispose();
  }
}
console.log(`${f.lp.numRows} x ${f.lp.numCols}, ${f.lp.values.length} nonzeros (${form})`);
for (const [k, l] of lines) console.log(`${k.padEnd(40)} ${l.join(' | ')}`);
process.exit(0);
