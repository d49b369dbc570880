/**
 * The HiGHS heap calibration table (optimizer/memory-estimate.ts): runs bench/memory-calibration.ts once per case,
 * each in a fresh process (the WebAssembly heap never shrinks), and prints a Markdown table: model size, heap
 * after the solve, the estimate and its headroom over the measurement. Exit code 1 when an estimate is below its
 * measurement. `--caltech` adds the Caltech network month's offline solve (V2G_DATA_DIR; minutes of CPU).
 *
 *   nice -n 10 node bin/run-ts.mjs bench/memory-calibration-all.ts [--caltech] [--only taper] 2> runs.jsonl
 *   node bin/run-ts.mjs bench/memory-calibration-all.ts --rescore runs.jsonl   (the recorded heaps against today's estimate)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { caltech: { type: 'boolean', default: false }, only: { type: 'string' }, rescore: { type: 'string' } } });
/** `--rescore <file>`: the runs recorded in a file (this script's standard error), each with today's estimate (no solve). */
const recorded = values.rescore !== undefined ? readFileSync(values.rescore, 'utf8').trim().split('\n').filter((l) => l.startsWith('{')) : undefined;

const cases: string[][] = [
  ['--kind', 'depot', '--vehicles', '500'],
  ['--kind', 'depot', '--vehicles', '1000'],
];
for (const vehicles of ['50', '200', '500']) {
  for (const form of ['chain', 'prefix']) {
    cases.push(['--kind', 'taper', '--vehicles', vehicles, '--form', form]);
    cases.push(['--kind', 'taper', '--vehicles', vehicles, '--form', form, '--steps', '4']);
  }
}
cases.push(['--kind', 'taper', '--vehicles', '1000'], ['--kind', 'taper', '--vehicles', '1000', '--steps', '4']);
for (const vehicles of ['50', '200', '500', '1000']) cases.push(['--kind', 'network', '--vehicles', vehicles]);
cases.push(['--kind', 'network', '--vehicles', '500', '--tightness', '0.15'], ['--kind', 'network', '--vehicles', '500', '--taper', '--steps', '4']);
cases.push(['--kind', 'network', '--vehicles', '200', '--slots', '288', '--taper']);
if (values.caltech) cases.push(['--kind', 'caltech'], ['--kind', 'caltech', '--capacity', '10']);

const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start`);
console.log('| case | energy form | rows (last model) | nonzeros | taper rows | network rows added (per round) | heap after MiB | estimate MiB | estimate / heap | CPU s |');
console.log('|---|---|---:|---:|---:|---|---:|---:|---:|---:|');
let below = false;
const run = (args: string[]) => execFileSync(process.execPath, ['bin/run-ts.mjs', 'bench/memory-calibration.ts', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').at(-1)!;
for (const line of recorded ?? cases.map((args) => JSON.stringify({ args }))) {
  const { args } = JSON.parse(line) as { args: string[] };
  if (values.only !== undefined && !args.includes(values.only)) continue;
  const r = (recorded ? { ...JSON.parse(line), estimateBytes: (JSON.parse(run([...args, '--size-only'])) as { estimateBytes: number }).estimateBytes } : JSON.parse(run(args))) as {
    energyForm?: string; maxRows: number; maxNonzeros: number; taperRows?: number; networkRowsAdded: number;
    growth: [number, number, number][]; heapAfterBytes: number; estimateBytes: number; cpuS: number; status: string;
  };
  console.error(JSON.stringify({ args, ...r }));
  if (r.estimateBytes < r.heapAfterBytes) below = true;
  const growth = r.growth.length > 0 ? `${r.networkRowsAdded} (${r.growth.map((g) => g[0]).join(', ')})` : '0';
  console.log(
    `| ${args.filter((a) => !a.startsWith('--kind')).join(' ')} | ${r.energyForm ?? ''} | ${r.maxRows} | ${r.maxNonzeros} | ${r.taperRows ?? 0} | ${growth} | ${mib(r.heapAfterBytes)} | ${mib(r.estimateBytes)} | ${(r.estimateBytes / r.heapAfterBytes).toFixed(2)} | ${r.cpuS} |`,
  );
}
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at end`);
process.exitCode = below ? 1 : 0;
