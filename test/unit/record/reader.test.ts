import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { EntryEncoder, encodeHeader, type RecordingEntry, type RecordingHeader } from '../../../src/record/format.js';
import { readRecording } from '../../../src/record/reader.js';
import { description, rawInputs, tempDir, withoutHints } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

const header = (over: Partial<RecordingHeader> = {}): RecordingHeader => ({
  type: 'header',
  format: 'tcpscope-recording',
  version: 1,
  tcpscopeVersion: '0.1.0',
  startedAt: 1_700_000_000_000,
  description: description(),
  ...over,
});

function recordingText(entries: RecordingEntry[], h = header()): string {
  const enc = new EntryEncoder();
  return encodeHeader(h) + entries.map((e) => enc.encode(e)).join('');
}

async function readEntries(
  path: string,
): Promise<{ entries: RecordingEntry[]; stats: Awaited<ReturnType<typeof readRecording>>['stats'] }> {
  const r = await readRecording(path);
  const entries: RecordingEntry[] = [];
  for await (const e of r) entries.push(e);
  return { entries, stats: r.stats };
}

async function failure(path: string): Promise<{ exitCode: unknown; message: string }> {
  try {
    await readEntries(path);
  } catch (err) {
    return { exitCode: (err as { exitCode?: unknown }).exitCode, message: (err as Error).message };
  }
  throw new Error('expected the read to fail');
}

describe('readRecording', () => {
  it('refuses files that are not recordings, with one line and ExitCode.recording', async () => {
    await writeFile(tmp.path('text'), 'hello world\nsecond line\n');
    await writeFile(tmp.path('empty'), '');
    await writeFile(tmp.path('json'), '{"type":"map","data":{}}\n');
    await writeFile(tmp.path('binary'), Buffer.from([0, 1, 2, 3, 255, 10, 0]));
    await writeFile(tmp.path('badgz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    for (const name of ['text', 'empty', 'json', 'binary', 'badgz']) {
      const f = await failure(tmp.path(name));
      expect(f.exitCode, name).toBe(ExitCode.recording);
      expect(f.message, name).toMatch(/not a tcpscope recording/);
      expect(f.message).not.toContain('\n');
    }
  });

  it('refuses a recording from a future format version by name', async () => {
    await writeFile(tmp.path('v2'), recordingText(rawInputs(2), header({ version: 2 })));
    const f = await failure(tmp.path('v2'));
    expect(f).toMatchObject({ exitCode: ExitCode.recording, message: expect.stringContaining('version 2 is newer') });
  });

  it('reports a missing file as an I/O error', async () => {
    expect(await failure(tmp.path('nope'))).toMatchObject({
      exitCode: ExitCode.io,
      message: expect.stringContaining('no such file'),
    });
  });

  it('skips corrupt lines in the middle, counting them with line numbers', async () => {
    const inputs = rawInputs(6);
    const lines = recordingText(inputs).split('\n');
    lines.splice(3, 0, '{"k":"p","t":12,"l":"cut', 'garbage ☃', '{"k":"q","t":1}');
    await writeFile(tmp.path('c'), lines.join('\n'));
    const { entries, stats } = await readEntries(tmp.path('c'));
    expect(withoutHints(entries)).toEqual(inputs);
    expect(stats.skipped).toBe(3);
    expect(stats.skippedExamples).toEqual([
      'line 4: not valid JSON',
      'line 5: not valid JSON',
      'line 6: unknown line kind "q"',
    ]);
    expect(stats.truncated).toBeUndefined();
  });

  it('tolerates and reports a truncated last line (plain file cut mid-write)', async () => {
    const inputs = rawInputs(5);
    const text = recordingText(inputs);
    await writeFile(tmp.path('t'), text.slice(0, text.length - 40));
    const { entries, stats } = await readEntries(tmp.path('t'));
    expect(withoutHints(entries)).toEqual(inputs.slice(0, -1));
    expect(stats.skipped).toBe(0);
    expect(stats.truncated).toMatch(/last line \(\d+\) is incomplete/);
  });

  it('accepts a last line without its newline when it is complete', async () => {
    const inputs = rawInputs(3);
    await writeFile(tmp.path('n'), recordingText(inputs).trimEnd());
    const { entries, stats } = await readEntries(tmp.path('n'));
    expect(withoutHints(entries)).toEqual(inputs);
    expect(stats.truncated).toBeUndefined();
  });

  it('reads a gzip file cut at any point: the complete prefix replays, the cut is reported', async () => {
    const inputs = rawInputs(30);
    const gz = gzipSync(recordingText(inputs));
    for (const keep of [0.5, 0.8, 0.97]) {
      const path = tmp.path(`gz${keep}`);
      await writeFile(path, gz.subarray(0, Math.floor(gz.length * keep)));
      const { entries, stats } = await readEntries(path);
      expect(entries.length).toBeGreaterThan(0);
      expect(withoutHints(entries)).toEqual(inputs.slice(0, entries.length));
      expect(stats.truncated).toContain('gzip stream ends early');
    }
  });

  it('refuses a line over the limit with an error instead of buffering it', async () => {
    const text = recordingText(rawInputs(2)) + `{"k":"p","t":5,"l":"${'x'.repeat(5000)}"}\n`;
    await writeFile(tmp.path('huge'), text);
    let caught: unknown;
    try {
      const r = await readRecording(tmp.path('huge'), { maxLineBytes: 4096 });
      for await (const _ of r) void _;
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({
      exitCode: ExitCode.recording,
      message: expect.stringMatching(/line 5 is longer than 4096 bytes/),
    });
  });
});
