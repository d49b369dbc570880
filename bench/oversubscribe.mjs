#!/usr/bin/env node
// Runs a command on a CPU kept oversubscribed: `npm run test:loaded` (= node bench/oversubscribe.mjs --factor 4 -- npm test).
// Every 500 ms it counts the runnable tasks (procs_running in /proc/stat, Linux) and starts or stops busy-loop
// processes (`node -e 'for(;;){}'`, at most --max) so that at least factor x cores tasks want to run: other load on
// the machine counts, so it adds only what is missing. Prints the load it saw (runnable tasks: min / median / max,
// and the 1-minute load average) when the command ends, and exits with the command's exit code.
//   --factor <n>   runnable tasks per core to keep (default 4)
//   --max <n>      busy processes at most (default 8)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
if (split < 0 || split === argv.length - 1) {
  console.error('usage: node bench/oversubscribe.mjs [--factor 4] [--max 8] -- <command> [args...]');
  process.exit(2);
}
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i < split ? Number(argv[i + 1]) : fallback;
};
const cores = availableParallelism();
const target = option('--factor', 4) * cores;
const maxBusy = option('--max', 8);
const busy = [];
const samples = [];
const loads = [];

function runnable() {
  try {
    const m = /^procs_running (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function adjust() {
  const running = runnable();
  if (running === undefined) {
    // Not Linux: keep --max busy processes.
    while (busy.length < maxBusy) busy.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    return;
  }
  samples.push(running);
  loads.push(loadavg()[0]);
  // procs_running counts this reader itself.
  const missing = target - (running - 1);
  if (missing > 0) for (let i = 0; i < missing && busy.length < maxBusy; i++) busy.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  else if (missing < -2 && busy.length > 0) busy.pop().kill('SIGKILL');
}

adjust();
const timer = setInterval(adjust, 500);
const [command, ...args] = argv.slice(split + 1);
const child = spawn(command, args, { stdio: 'inherit' });
const stop = () => {
  clearInterval(timer);
  for (const p of busy.splice(0)) p.kill('SIGKILL');
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  stop();
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const sortedLoads = [...loads].sort((a, b) => a - b);
  console.log(`oversubscribe: ${cores} cores, kept >= ${target} runnable tasks; seen runnable min ${sorted[0]} / median ${median} / max ${sorted.at(-1)}, ` +
    `1-min load average ${sortedLoads[0]?.toFixed(1)} .. ${sortedLoads.at(-1)?.toFixed(1)} (median ${sortedLoads[Math.floor(sortedLoads.length / 2)]?.toFixed(1)})`);
  process.exit(code ?? (signal ? 1 : 0));
});
