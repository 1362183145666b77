// The textfile is replaced atomically: a concurrent reader never sees a partial file; mode 0600; no temp files left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEXTFILE_NAME, writeTextfile } from '../../../src/export/textfile.js';
import { ExitCode, TcpscopeError } from '../../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-textfile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A ~600 KB exposition whose last line names its version, so a truncated read is detectable. */
const body = (v: number): string =>
  `${Array.from({ length: 12_000 }, (_, i) => `tcpscope_x{i="${i}"} ${v}`).join('\n')}\n# end ${v}\n`;

describe('writeTextfile', () => {
  it('a reader loop never sees a partial file while it is rewritten many times', async () => {
    const path = join(dir, TEXTFILE_NAME);
    await writeTextfile(dir, body(0));
    let writing = true;
    let reads = 0;
    const bad: string[] = [];
    const reader = (async () => {
      while (writing) {
        const text = await readFile(path, 'utf8');
        reads++;
        const m = /# end (\d+)\n$/.exec(text);
        if (!m || text !== body(Number(m[1]))) bad.push(`read ${reads}: ${text.length} bytes`);
      }
    })();
    for (let v = 1; v <= 40; v++) await writeTextfile(dir, body(v));
    writing = false;
    await reader;
    expect(bad).toEqual([]);
    expect(reads).toBeGreaterThan(5);
    expect(await readFile(path, 'utf8')).toBe(body(40));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([TEXTFILE_NAME]);
  });

  it('a missing directory is a one-line error with the path', async () => {
    const err = await writeTextfile(join(dir, 'nope'), 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TcpscopeError);
    expect((err as TcpscopeError).message).toBe(`cannot write ${join(dir, 'nope', TEXTFILE_NAME)}: no such directory`);
    expect((err as TcpscopeError).exitCode).toBe(ExitCode.usage);
  });
});
