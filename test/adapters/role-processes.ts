/**
 * Service processes for multi-process tests and the scale benchmark: `node bin/v2g.mjs <role>` children
 * with their stdout parsed (the boot banner's URLs, pino's JSON log lines), and cleanup that always
 * kills what is still running.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One pino log line (the fields this project logs). */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export class RoleProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly logs: LogLine[] = [];
  readonly exit: Promise<number | null>;
  private stdout = '';
  private stderr = '';
  private partial = '';
  private readonly watchers: ((line: LogLine) => void)[] = [];

  constructor(
    readonly name: string,
    command: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['bin/v2g.mjs', command], { cwd: repo, env: { ...process.env, ...env } });
    this.child.stdout.on('data', (d: Buffer) => this.onStdout(d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  }

  get output(): string {
    return this.stdout;
  }

  get errors(): string {
    return this.stderr;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Calls `watcher` for every log line from now on (synchronously, as it is read). */
  watch(watcher: (line: LogLine) => void): void {
    this.watchers.push(watcher);
  }

  /**
   * Resolves with the banner's `listening on <url>` as soon as it is printed (read from the output as it comes,
   * not polled); rejects when the process exits first. `hangGuardMs` only turns a hang into an error that shows
   * the output: a loaded machine makes a boot slower, never wrong.
   */
  listening(hangGuardMs = 300_000): Promise<string> {
    const found = () => /listening on (http:\/\/\S+)/.exec(this.stdout)?.[1];
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        this.child.stdout.off('data', onData);
        this.child.off('exit', onExit);
        clearTimeout(guard);
      };
      const onData = () => {
        const url = found();
        if (url !== undefined) {
          done();
          resolve(url);
        }
      };
      const onExit = () => {
        done();
        reject(new Error(`${this.name} exited before listening:\n${this.stderr}\n${this.stdout.slice(-2000)}`));
      };
      const guard = setTimeout(() => {
        done();
        reject(new Error(`${this.name} printed no "listening on" in ${hangGuardMs} ms (hang guard):\n${this.stderr}\n${this.stdout.slice(-2000)}`));
      }, hangGuardMs);
      this.child.stdout.on('data', onData);
      this.child.once('exit', onExit);
      onData();
      if (!this.running) onExit();
    });
  }

  /** The OCPP endpoint from a gateway's banner. */
  ocppUrl(): string {
    const m = /OCPP\s+(ws:\/\/\S+)\/<chargePointId>/.exec(this.stdout);
    if (!m) throw new Error(`${this.name} printed no OCPP endpoint`);
    return m[1]!;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  private onStdout(text: string): void {
    this.stdout += text;
    this.partial += text;
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) {
      if (!raw.startsWith('{')) continue;
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        continue;
      }
      this.logs.push(line);
      for (const w of this.watchers) w(line);
    }
  }
}

/** Kills (SIGKILL) every process still running and waits for them. */
export async function killAll(processes: readonly RoleProcess[]): Promise<void> {
  for (const p of processes) p.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exit));
}
