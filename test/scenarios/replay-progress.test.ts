/**
 * The replay progress bar: drawn on a terminal, quiet (not one byte) when standard error is not a terminal
 * (pipes, CI, tests), also through a whole `v2g replay`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../adapters/cli/main.ts';
import { replayProgress } from '../../adapters/cli/replay-progress.ts';

/** A stream that records what is written to it and claims to be (or not to be) a terminal. */
function recordingStream(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns: 120, text: () => chunks.join('') });
}

function drive(stream: NodeJS.WritableStream & { isTTY?: boolean }): void {
  const bar = replayProgress('mpc', stream);
  for (let slot = 1; slot <= 10; slot++) bar.update({ slot, slotCount: 10, decisions: slot - 1 });
  bar.stop();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('replay progress bar', () => {
  it('draws the slot count and decisions on a terminal', () => {
    const tty = recordingStream(true);
    drive(tty);
    expect(tty.text()).toContain('mpc [');
    expect(tty.text()).toContain('slot 10/10');
    expect(tty.text()).toContain('9 decisions');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const pipe = recordingStream(false);
    drive(pipe);
    expect(pipe.text()).toBe('');
  });

  it('leaves standard error untouched through a whole replay when it is not a terminal', async () => {
    expect(process.stderr.isTTY).not.toBe(true);
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const out: string[] = [];
    const dir = mkdtempSync(path.join(tmpdir(), 'v2g-progress-'));
    const code = await main(['node', 'v2g', 'replay', 'generated-demo', '--policy', 'edf', '--no-gap', '--out', dir], (l) => out.push(l), (l) => written.push(l));
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('generated-demo: edf');
    expect(written).toEqual([]);
  });
});
