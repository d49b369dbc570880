/**
 * How `v2g sweep` runs its worker processes: the Node options they start with (a 64 MB semi-space), and when one retires (adapters/cli/sweep-worker.ts): on HiGHS's WebAssembly heap, which never
 * shrinks, past half its 2 GiB ceiling, or on the process past 3 GiB resident; not on the ~2 GB a month solve leaves
 * resident on the JavaScript side for a moment (the rule before session 12 retired on 1.2 GB resident, and still
 * does when the heap's size is not known).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retireHeapBytes, retireRssBytes, retireRssBytesUnknownHeap, workerRetires } from '../../../adapters/cli/sweep-worker.ts';
import { wasmHeapCeilingBytes } from '../../../optimizer/memory-estimate.ts';
import { sweepWorkerExecArgv, sweepWorkerSemiSpaceMb } from '../../../adapters/cli/sweep-run.ts';

const GiB = 1024 ** 3;

describe('sweep worker retirement', () => {
  it('the heap limit is half the WebAssembly ceiling; the resident guard is 3 GiB', () => {
    expect(retireHeapBytes).toBe(wasmHeapCeilingBytes / 2);
    expect(retireRssBytes).toBe(3 * GiB);
    expect(retireRssBytesUnknownHeap).toBe(1.2 * GiB);
  });

  it('a month solve measured in session 12 (heap 740 MiB, 2.35 GB resident) keeps its worker; a heap past 1 GiB retires it', () => {
    expect(workerRetires(740 * 1024 ** 2, 2.35e9)).toBe(false);
    expect(workerRetires(GiB + 64 * 1024, 0.5e9)).toBe(true);
    expect(workerRetires(20 * 1024 ** 2, 3.1 * GiB)).toBe(true);
    expect(workerRetires(undefined, 1.3 * GiB)).toBe(true);
    expect(workerRetires(undefined, 1.1 * GiB)).toBe(false);
  });

  it('retires exactly when the heap or the resident memory is past its limit (heap known), or resident past 1.2 GiB (not known)', () => {
    const bytes = fc.double({ min: 0, max: 8 * GiB, noNaN: true });
    fc.assert(
      fc.property(fc.option(bytes, { nil: undefined }), bytes, (heap, rss) => {
        const expected = heap === undefined ? rss > 1.2 * GiB : heap > GiB || rss > 3 * GiB;
        expect(workerRetires(heap, rss)).toBe(expected);
        // Monotone: more memory never keeps a worker that less memory retired.
        if (workerRetires(heap, rss)) expect(workerRetires(heap === undefined ? undefined : heap * 2, rss * 2)).toBe(true);
      }),
    );
  });
});

describe('sweep worker options', () => {
  it("starts each worker with the parent's Node options and a 64 MB semi-space, replacing any other semi-space size", () => {
    expect(sweepWorkerSemiSpaceMb).toBe(64);
    expect(sweepWorkerExecArgv([])).toEqual(['--max-semi-space-size=64']);
    expect(sweepWorkerExecArgv(['--enable-source-maps', '--max-semi-space-size=8'])).toEqual(['--enable-source-maps', '--max-semi-space-size=64']);
  });
});
