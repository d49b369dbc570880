/**
 * Start-up benchmark of the `v2g` command: `v2g --help`, `v2g --version` and `npm start` / `v2g start` until the
 * service listens (its banner) and until /health/ready answers 200, each from the compiled build (dist/cli) and,
 * as the reference, from the TypeScript sources through tsx (V2G_FROM_SOURCES=1: what every start did before).
 *
 *   npm run bench:startup                      # builds dist/cli when stale, then 10 runs per short case, 5 per start
 *   npm run bench:startup -- --reps 20 --start-reps 10
 *   npm run bench:startup -- --realtime        # each measured process under `chrt -f 50` (root, Linux): on a
 *                                              # loaded machine this approximates an idle one; every run
 *                                              # is killed after --watchdog-ms (default 60000): a spinning
 *                                              # real-time process would starve the whole machine
 *
 * Wall times are medians (ms) from spawn to exit, banner or readiness; CPU times come from the measured process
 * itself (bench/support/report-cpu.mjs: all threads, and the main thread alone from /proc) and are less
 * distorted by other load. The service runs as `npm start` does for a newcomer: embedded, demo site, PORT=0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '10' },
    'start-reps': { type: 'string', default: '5' },
    realtime: { type: 'boolean', default: false },
    'watchdog-ms': { type: 'string', default: '60000' },
  },
});
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cpuHook = path.join(repo, 'bench/support/report-cpu.mjs');
const reps = Number(values.reps);
const startReps = Number(values['start-reps']);
const watchdogMs = Number(values['watchdog-ms']);
const wrap = (command: string, args: string[]): [string, string[]] => (values.realtime ? ['chrt', ['-f', '50', command, ...args]] : [command, args]);

interface Sample {
  wallMs: number;
  cpuMs?: number;
  mainCpuMs?: number;
  readyMs?: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function cpuLine(stderr: string, what: 'exit' | 'banner'): { cpuMs: number; mainCpuMs: number } | undefined {
  const m = new RegExp(`@cpu ${what} (\\S+) (\\S+) `).exec(stderr);
  return m ? { cpuMs: Number(m[1]), mainCpuMs: Number(m[2]) } : undefined;
}

/**
 * A run that has not ended after `--watchdog-ms` is killed with its whole process group (SIGKILL) and fails the
 * bench. Under `--realtime` a process that spins (e.g. an esbuild service left waiting on a moved source file)
 * would otherwise hold both cores at real-time priority and starve everything else on the machine.
 */
function watchdog(pid: number | undefined, what: string, reject: (error: Error) => void): NodeJS.Timeout {
  return setTimeout(() => {
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    reject(new Error(`${what} did not finish within ${watchdogMs} ms: killed (--watchdog-ms)`));
  }, watchdogMs);
}

/** One run of a short command (`--help`, `--version`): wall time to exit and its CPU. */
function runShort(args: string[], env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const [command, argv] = wrap(process.execPath, ['--import', cpuHook, 'bin/v2g.mjs', ...args]);
    const child = spawn(command, argv, { cwd: repo, detached: true, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const dog = watchdog(child.pid, `v2g ${args.join(' ')}`, reject);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(dog);
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`v2g ${args.join(' ')} exited ${code}: ${stderr}`));
      resolve({ wallMs, ...cpuLine(stderr, 'exit') });
    });
  });
}

/** One start of the service: wall time to the banner and to /health/ready 200, CPU at the banner; then SIGTERM. */
function runStart(viaNpm: boolean, env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const serviceEnv = { ...process.env, PORT: '0', OCPP_PORT: '0', LOG_LEVEL: 'warn', REDIS_URL: '', ...env };
    const [command, argv] = viaNpm
      ? wrap('npm', ['start', '--silent'])
      : wrap(process.execPath, ['--import', cpuHook, 'bin/v2g.mjs', 'start']);
    const child = spawn(command, argv, {
      cwd: repo,
      detached: true,
      env: viaNpm ? { ...serviceEnv, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${cpuHook}`.trim() } : serviceEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let bannerMs: number | undefined;
    const dog = watchdog(child.pid, viaNpm ? 'npm start' : 'v2g start', reject);
    child.on('exit', () => clearTimeout(dog));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    const stop = (result?: Sample, error?: Error) => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      child.once('exit', () => (error ? reject(error) : resolve(result!)));
    };
    const whenReady = async (url: string) => {
      for (;;) {
        const ok = await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false);
        if (ok) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const readyMs = performance.now() - started;
      // the @cpu banner line is written right after the banner: wait for it
      while (!cpuLine(stderr, 'banner')) await new Promise((r) => setTimeout(r, 10));
      stop({ wallMs: bannerMs!, readyMs, ...cpuLine(stderr, 'banner') });
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url === undefined || bannerMs !== undefined) return;
      bannerMs = performance.now() - started;
      whenReady(url).catch((error: unknown) => stop(undefined, error instanceof Error ? error : new Error(String(error))));
    });
    child.on('exit', (code) => {
      if (bannerMs === undefined) reject(new Error(`start exited ${code} before listening: ${stderr}\n${stdout.slice(-2000)}`));
    });
  });
}

async function repeat(n: number, once: () => Promise<Sample>): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) out.push(await once());
  return out;
}

const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(0));
function row(name: string, samples: readonly Sample[], startCase = false): string {
  const m = (f: (s: Sample) => number | undefined) => median(samples.map(f).filter((x): x is number => x !== undefined));
  return startCase
    ? `| ${name} | ${samples.length} | ${fmt(m((s) => s.wallMs))} | ${fmt(m((s) => s.readyMs))} | ${fmt(m((s) => s.mainCpuMs))} | ${fmt(m((s) => s.cpuMs))} |`
    : `| ${name} | ${samples.length} | ${fmt(m((s) => s.wallMs))} | ${fmt(m((s) => s.mainCpuMs))} | ${fmt(m((s) => s.cpuMs))} |`;
}

const build = spawnSync(process.execPath, ['bin/build-cli.mjs', '--if-stale'], { cwd: repo, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
const loadBefore = loadavg()[0]!;

const stampModule = (await import(path.join(repo, 'bin/build-stamp.mjs'))) as { buildState(): { fresh: boolean } };
const coldStart = performance.now();
stampModule.buildState();
const stampColdMs = performance.now() - coldStart;
const stampWarm: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  stampModule.buildState();
  stampWarm.push(performance.now() - t);
}

const compiled = {};
const sources = { V2G_FROM_SOURCES: '1' };
const help = await repeat(reps, () => runShort(['--help'], compiled));
const version = await repeat(reps, () => runShort(['--version'], compiled));
const helpSources = await repeat(Math.min(reps, 5), () => runShort(['--help'], sources));
const start = await repeat(startReps, () => runStart(false, compiled));
const npmStart = await repeat(startReps, () => runStart(true, compiled));
const startSources = await repeat(Math.min(startReps, 3), () => runStart(false, sources));
const loadAfter = loadavg()[0]!;

const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
console.log(`\n${new Date().toISOString()}  commit ${git}  node ${process.version}  ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
console.log(`1-min load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after${values.realtime ? '; measured processes under chrt -f 50 (SCHED_FIFO)' : ''}`);
console.log(`build stamp check (bin/build-stamp.mjs, in-process): first ${stampColdMs.toFixed(1)} ms, then median ${median(stampWarm).toFixed(1)} ms\n`);
console.log('| command | runs | wall to exit, ms | main-thread CPU, ms | process CPU, ms |');
console.log('|---|---:|---:|---:|---:|');
console.log(row('`v2g --help` (dist/cli)', help));
console.log(row('`v2g --version` (dist/cli)', version));
console.log(row('`v2g --help` from the sources (tsx, before)', helpSources));
console.log('\n| command | runs | wall to banner, ms | wall to /health/ready 200, ms | main-thread CPU at banner, ms | process CPU at banner, ms |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(row('`node bin/v2g.mjs start` (dist/cli)', start, true));
console.log(row('`npm start` (stamp check + dist/cli)', npmStart, true));
console.log(row('`node bin/v2g.mjs start` from the sources (tsx, before)', startSources, true));
