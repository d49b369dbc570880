/** The body of `v2g portfolio-replay` (portfolio-replay-command.ts defines its arguments and options). */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { parsePortfolioScenario, replayPortfolio, type PortfolioReplayResult, type ReplayCoordination } from '../../scenarios/portfolio-replay.ts';
import { loadHighsBackend, solverSetup } from './scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles, shippedScenarioDir, writeOutputs } from './scenario-files.ts';

/** The options of `v2g portfolio-replay`. */
export interface PortfolioReplayOptions {
  out?: string;
  dataDir?: string;
  coordination?: ReplayCoordination;
}

/** Folder of the shipped portfolio scenarios (and the member scenarios only they use). */
export const shippedPortfolioDir = path.join(shippedScenarioDir, 'portfolios');

const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

function resolvePortfolioFile(arg: string): string {
  if (isFile(arg)) return path.resolve(arg);
  const shipped = path.join(shippedPortfolioDir, `${arg}.json`);
  if (isFile(shipped)) return shipped;
  throw new ScenarioError('V2G_ERR_SCENARIO_NOT_FOUND', 'The portfolio scenario cannot be found', [{ path: '/', message: `"${arg}" is neither a file nor a shipped portfolio (generated-feeder, belgian-feeder)` }]);
}

const r = (x: number, d = 2) => Number(x.toFixed(d));

/** feeder.csv: per slot the limit and the sum of the sites' net import, alone and coordinated (kW), and which coordinator. */
export function feederCsv(result: PortfolioReplayResult): string {
  const rows = ['start_utc,feeder_import_limit_kw,uncoordinated_kw,coordinated_kw,coordinated_by'];
  for (let t = 0; t < result.slotCount; t++) {
    rows.push(`${new Date(result.startUtcMs + t * result.slotMinutes * 60_000).toISOString()},${result.feederImportLimitKw},${r(result.uncoordinatedKw[t]!, 3)},${r(result.coordinatedKw[t]!, 3)},${result.coordination}`);
  }
  return `${rows.join('\n')}\n`;
}

export async function runPortfolioReplayCommand(portfolioArg: string, opts: PortfolioReplayOptions, out: (line: string) => void): Promise<void> {
  const file = resolvePortfolioFile(portfolioArg);
  const portfolio = parsePortfolioScenario(await readFile(file, 'utf8'));
  const dataDir = dataDirectory(opts.dataDir);
  const highs = await loadHighsBackend();
  const members = [];
  let solver;
  for (const m of portfolio.members) {
    const local = path.resolve(path.dirname(file), m.scenario);
    const loaded = await loadScenarioFiles(isFile(local) ? local : m.scenario, dataDir);
    solver ??= solverSetup(loaded.scenario, highs.backend);
    members.push({ siteId: m.siteId, inputs: loadReplayInputs(loaded.scenario, loaded.texts, m.seed !== undefined ? { seed: m.seed } : {}) });
  }
  const setup = solver!;
  const result = await replayPortfolio(portfolio, members, async (problem) => solveWithBackend(problem, setup.backend!, setup.options), { coordination: opts.coordination ?? 'aggregate-first', backend: highs.backend });
  const dir = opts.out ?? path.join('out', portfolio.name);
  await writeOutputs(dir, { 'portfolio.json': `${JSON.stringify({ ...result, solver: `HiGHS ${highs.version}`, method: `each member's whole replay as one problem (perfect foresight), planned alone and coordinated under the feeder limit by ${result.coordination} (feeder prices, per-site caps, certified bound)` }, null, 2)}\n`, 'feeder.csv': feederCsv(result) });
  const c = result.coordinated;
  out(`${portfolio.name}: ${members.length} sites, ${result.slotCount} slots of ${result.slotMinutes} min, feeder limit ${result.feederImportLimitKw} kW`);
  out(`  alone:       peak ${r(result.uncoordinated.peakKw, 1)} kW, ${result.uncoordinated.slotsOverLimit} slots over the limit, objective ${r(result.uncoordinated.objective)}`);
  out(`  coordinated: peak ${r(c.peakKw, 1)} kW, ${c.slotsOverLimit} slots over the limit, objective ${r(c.objective)}, bound ${Number.isFinite(c.bound) ? r(c.bound) : 'none'}, gap ${c.gapPct === null ? 'none' : `${r(c.gapPct, 3)} %`} (${c.status}, coordination ${result.coordination}, method ${c.method}${c.boundKind ? `, bound ${c.boundKind}` : ''}, ${c.iterations} iterations, ${c.solves} site solves, stopped on ${c.stopReason})`);
  out(`  price of the feeder limit: ${r(result.priceOfFeederLimit)} (coordinated minus alone)`);
  out(`  written to ${dir}: portfolio.json, feeder.csv`);
}
