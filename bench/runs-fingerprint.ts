/**
 * Whether two sweeps computed the same results: per `runs.jsonl` given, a SHA-256 (first 16 hex digits) of its
 * rows without timings (`elapsedMs`, `cpuMs`, `kpis.solveTime*`), beside the rows' CPU seconds and delivered kWh.
 *
 *   node bin/run-ts.mjs bench/runs-fingerprint.ts out/a/runs.jsonl out/b/runs.jsonl
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

interface Row {
  elapsedMs?: number;
  cpuMs?: number;
  kpis: Record<string, number>;
}

for (const file of process.argv.slice(2)) {
  const rows = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Row);
  const cpuS = rows.map((r) => ((r.cpuMs ?? 0) / 1000).toFixed(2)).join(',');
  const deliveredKwh = rows.map((r) => (r.kpis.energyDeliveredKwh ?? Number.NaN).toFixed(3)).join(',');
  for (const r of rows) {
    delete r.elapsedMs;
    delete r.cpuMs;
    for (const key of Object.keys(r.kpis)) if (key.startsWith('solveTime')) delete r.kpis[key];
  }
  const hash = createHash('sha256').update(rows.map((r) => JSON.stringify(r)).join('\n')).digest('hex').slice(0, 16);
  console.log(`${hash} cpu_s ${cpuS} delivered_kwh ${deliveredKwh} ${file}`);
}
