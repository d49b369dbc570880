/**
 * The file side of scenario replays (the only place they touch the disk, the environment or git): finding
 * a scenario file or a shipped scenario by name, the data directory (`V2G_DATA_DIR`, default
 * `<repo>/../shared/data`), reading the data files a scenario names, the git commit, Chart.js's UMD build
 * for the report, and writing outputs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../package-root.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import { parseScenario, scenarioDataFiles } from '../../scenarios/scenario-parse.ts';
import type { Scenario } from '../../scenarios/scenario-schema.ts';

/** The repository root (the same from the sources and from the compiled tree in dist/cli). */
export const repoRoot = packageRoot;

/** Folder of the scenarios shipped with the project. */
export const shippedScenarioDir = path.join(repoRoot, 'scenarios/shipped');

/** The data directory: `--data-dir`, else `V2G_DATA_DIR`, else `<repo>/../shared/data`. */
export function dataDirectory(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(explicit ?? env.V2G_DATA_DIR ?? path.join(repoRoot, '../shared/data'));
}

const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

/** A scenario file path, or the name of a shipped scenario (`caltech-week`). A directory is neither. */
export function resolveScenarioFile(arg: string): string {
  if (isFile(arg)) return path.resolve(arg);
  const shipped = path.join(shippedScenarioDir, `${arg}.json`);
  if (isFile(shipped)) return shipped;
  const what = existsSync(arg) ? `"${arg}" is a directory, not a scenario file,` : `"${arg}" is neither a file`;
  throw new ScenarioError('V2G_ERR_SCENARIO_NOT_FOUND', 'The scenario cannot be found', [
    { path: '/', message: `${what} nor a shipped scenario (${shippedScenarioNames().join(', ')})` },
  ]);
}

/** The text of a scenario file; an unreadable one is `V2G_ERR_SCENARIO_NOT_FOUND`, not an unexpected error. */
async function scenarioText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new ScenarioError('V2G_ERR_SCENARIO_NOT_FOUND', 'The scenario cannot be read', [
      { path: '/', message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` },
    ]);
  }
}

/** Names of the shipped scenarios. */
export function shippedScenarioNames(): string[] {
  return ['generated-demo', 'caltech-week', 'caltech-month', 'caltech-2019-03-aggregate', 'caltech-2019-03-network', 'belgian-depot-v2g', 'belgian-depot-no-v2g'].filter((n) =>
    existsSync(path.join(shippedScenarioDir, `${n}.json`)),
  );
}

/** A data file as read: the scenario's path, SHA-256 (hex) of its bytes, its size. */
export interface DataFileRecord {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** A scenario with the texts of its data files. */
export interface LoadedScenario {
  readonly file: string;
  readonly scenario: Scenario;
  /** Data path (as the scenario names it) -> file text. */
  readonly texts: Map<string, string>;
  /** The data paths as the scenario names them. */
  readonly dataFiles: string[];
  /** Every data file read: its path, SHA-256 of its bytes and size, for run.json's provenance. */
  readonly dataFileRecords: DataFileRecord[];
  readonly dataDir: string;
}

/** Reads and validates a scenario and reads every data file it names (missing: `V2G_ERR_SCENARIO_DATA_MISSING`). */
export async function loadScenarioFiles(arg: string, dataDir: string): Promise<LoadedScenario> {
  const file = resolveScenarioFile(arg);
  const scenario = parseScenario(await scenarioText(file), `The scenario ${path.basename(file)}`);
  const texts = new Map<string, string>();
  const records = new Map<string, DataFileRecord>();
  const files = scenarioDataFiles(scenario);
  const missing = [];
  for (const f of files) {
    const full = path.resolve(dataDir, f.path);
    try {
      const bytes = await readFile(full);
      texts.set(f.path, bytes.toString('utf8'));
      records.set(f.path, { path: f.path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
    } catch (e) {
      missing.push({ path: f.pointer, message: `cannot read ${full}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (set V2G_DATA_DIR or --data-dir)` });
    }
  }
  if (missing.length > 0) throw new ScenarioError('V2G_ERR_SCENARIO_DATA_MISSING', `Data files of ${scenario.name} are missing`, missing);
  return { file, scenario, texts, dataFiles: files.map((f) => f.path), dataFileRecords: [...records.values()], dataDir };
}

/** The code's git state: the commit and whether tracked files differ from it; `unknown` / null outside a repository. */
export function gitState(cwd = repoRoot): { readonly commit: string; readonly dirty: boolean | null } {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return { commit: head, dirty };
  } catch {
    return { commit: 'unknown', dirty: null };
  }
}

/** `git rev-parse HEAD`, with `-dirty` when the working tree has changes; `unknown` outside a repository. */
export function gitCommit(cwd = repoRoot): string {
  const g = gitState(cwd);
  return g.dirty ? `${g.commit}-dirty` : g.commit;
}

/** Chart.js's UMD build (inlined into report.html). */
export async function chartJsSource(): Promise<string> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('chart.js');
  return readFile(path.join(path.dirname(entry), 'chart.umd.min.js'), 'utf8');
}

/** Writes `files` (name -> text) into `dir` (created if needed); returns the paths written. */
export async function writeOutputs(dir: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    await writeFile(file, text);
    written.push(file);
  }
  return written;
}
