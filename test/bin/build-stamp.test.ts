/**
 * bin/build-stamp.mjs, the check behind every `v2g` and `npm start`: exact on content, cheap when nothing changed.
 * A file whose stat (size, mtime, ctime, inode) equals its stamp entry keeps its recorded hash; any other file,
 * and any file changed within racyMarginMs of the stamp, is read again; a file that vanishes while the sources are
 * read means "stale" (rebuild / run the sources), never a crash. Time passing is simulated by moving the stamp's
 * `takenAtMs`, never by waiting.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as stamp from '../../bin/build-stamp.mjs';

const root = mkdtempSync(path.join(tmpdir(), 'v2g-stamp-digest-'));
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};
for (const file of stamp.configFiles) write(file, `{"file": "${file}"}`);
for (const dir of stamp.sourceDirs) for (const name of ['a', 'b']) write(`${dir}/${name}.ts`, `export const ${name} = '${dir}';\n`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The stamp a build would write, as if taken `laterMs` after the sources were last changed. */
const stampTaken = (laterMs: number): stamp.BuildStamp => {
  const digest = stamp.sourceDigest(root);
  return { sourceHash: digest.hash, files: digest.files, takenAtMs: digest.takenAtMs + laterMs };
};
const writeStamp = (s: stamp.BuildStamp) => write(path.join(stamp.distDirName, stamp.stampFileName), JSON.stringify(s));
const gridFile = 'grid/a.ts';

describe('the build stamp check', () => {
  it('reads no file when every stat matches a stamp taken well after the last change, and gets the full hash', () => {
    const s = stampTaken(10 * stamp.racyMarginMs);
    const again = stamp.sourceDigest(root, s);
    expect(again.hashedFiles).toBe(0);
    expect(again.hash).toBe(stamp.sourceHash(root));
    writeStamp(s);
    expect(stamp.buildState(root)).toMatchObject({ fresh: true, hashedFiles: 0 });
  });

  it('trusts an unchanged stat (the recorded hash is used as is) and re-reads a file whose stat differs', () => {
    const s = stampTaken(10 * stamp.racyMarginMs);
    const tampered = { ...s, files: { ...s.files, [gridFile]: { ...s.files![gridFile]!, sha256: '0'.repeat(64) } } };
    expect(stamp.sourceDigest(root, tampered).hash).not.toBe(s.sourceHash);
    for (const field of ['size', 'mtimeMs', 'ctimeMs', 'ino'] as const) {
      const moved = { ...tampered, files: { ...tampered.files, [gridFile]: { ...tampered.files[gridFile]!, [field]: tampered.files[gridFile]![field] + 1 } } };
      const digest = stamp.sourceDigest(root, moved);
      expect(digest.hashedFiles, field).toBe(1);
      expect(digest.hash, field).toBe(s.sourceHash);
    }
  });

  it('re-reads a file changed within racyMarginMs of the stamp: a same-size edit right after a build is stale', () => {
    const s = stampTaken(0);
    writeStamp(s);
    const text = readFileSync(path.join(root, gridFile), 'utf8');
    write(gridFile, text.replace("'grid'", "'GRID'"));
    expect(readFileSync(path.join(root, gridFile), 'utf8')).toHaveLength(text.length);
    const state = stamp.buildState(root);
    expect(state).toMatchObject({ fresh: false, reason: expect.stringMatching(/built from other sources/) });
    write(gridFile, text);
    // Written back within the margin: read again (not trusted by its stat), and equal to what was stamped.
    expect(stamp.buildState(root)).toMatchObject({ fresh: true, hashedFiles: expect.any(Number) });
    expect(stamp.buildState(root).hashedFiles).toBeGreaterThanOrEqual(1);
  });

  it('sees an added and a removed source through the listing, whatever the stats say', () => {
    writeStamp(stampTaken(10 * stamp.racyMarginMs));
    write('adapters/c.ts', 'export {};\n');
    expect(stamp.buildState(root)).toMatchObject({ fresh: false, reason: expect.stringMatching(/built from other sources/) });
    rmSync(path.join(root, 'adapters/c.ts'));
    expect(stamp.buildState(root).fresh).toBe(true);
    rmSync(path.join(root, 'adapters/b.ts'));
    expect(stamp.buildState(root).fresh).toBe(false);
    write('adapters/b.ts', "export const b = 'adapters';\n");
  });

  it('a source that vanishes between the listing and its read makes the sources stale, not a crash (ENOENT)', () => {
    writeStamp(stampTaken(10 * stamp.racyMarginMs));
    const listed = [...stamp.configFiles, ...stamp.sourceFiles(root), 'optimizer/moved-away.ts'].sort();
    expect(() => stamp.sourceDigest(root, undefined, listed)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(stamp.buildState(root, listed)).toEqual({
      fresh: false,
      reason: expect.stringMatching(/^the sources changed while they were read \(ENOENT optimizer\/moved-away\.ts; run `npm run build`\)$/),
      hashedFiles: 0,
    });
    // A folder replaced by a file while the walk is in it: ENOTDIR, the same answer.
    expect(stamp.buildState(root, ['optimizer/a.ts/inner.ts']).reason).toMatch(/^the sources changed while they were read \(ENOTDIR/);
    expect(stamp.buildState(root).fresh).toBe(true);
  });

  it('reads a stamp without per-file entries (an older build) by hashing every file', () => {
    writeStamp({ sourceHash: stamp.sourceHash(root) });
    expect(stamp.buildState(root)).toMatchObject({ fresh: true, hashedFiles: stamp.configFiles.length + 2 * stamp.sourceDirs.length });
  });
});
