// Preloaded into a measured process (`node --import`) by bench/cli-startup-bench.ts. Writes on standard error, once
// when the process prints the service banner ("listening on") and once at exit:
//   @cpu <banner|exit> <process CPU ms, all threads> <main thread CPU ms> <ms since the process started>
// (the main thread's CPU from /proc/self/task/<pid>/stat on Linux; -1 elsewhere).
import { readFileSync } from 'node:fs';

const ticksPerMs = 100 / 1000; // USER_HZ: 100 on Linux
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerMs; // utime, stime (fields 14 and 15)
  } catch {
    return -1;
  }
}
const report = (what) => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\n@cpu ${what} ${((user + system) / 1000).toFixed(1)} ${mainThreadCpuMs().toFixed(0)} ${performance.now().toFixed(1)}\n`);
};
process.on('exit', () => report('exit'));
const write = process.stdout.write.bind(process.stdout);
let bannerSeen = false;
process.stdout.write = (chunk, ...rest) => {
  const written = write(chunk, ...rest);
  if (!bannerSeen && String(chunk).includes('listening on')) {
    bannerSeen = true;
    report('banner');
  }
  return written;
};
// Profiling aid: end the process right after the banner (a --cpu-prof profile then covers start-up only).
if (process.env.V2G_EXIT_AT_BANNER === '1') {
  const exitWrite = process.stdout.write;
  process.stdout.write = (chunk, ...rest) => {
    const written = exitWrite(chunk, ...rest);
    if (String(chunk).includes('listening on')) setImmediate(() => process.exit(0));
    return written;
  };
}
