import { readFile, stat, writeFile } from 'node:fs/promises';
import type { AlertEvent } from '../../../src/alert/event.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, TcpscopeError } from '../../../src/errors.js';
import { createRecorder } from '../../../src/record/recorder.js';
import { readRecording } from '../../../src/record/reader.js';
import type { RecordingEntry } from '../../../src/record/format.js';
import { fakeSession, rawInputs, tempDir, withoutHints } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

async function readAll(
  path: string,
): Promise<{ entries: RecordingEntry[]; reader: Awaited<ReturnType<typeof readRecording>> }> {
  const reader = await readRecording(path);
  const entries: RecordingEntry[] = [];
  for await (const e of reader) entries.push(e);
  return { entries, reader };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

const ALERT: AlertEvent = {
  type: 'alert',
  name: 'overflow',
  expr: 'TcpExtListenOverflows > 0',
  state: 'firing',
  value: 9,
  threshold: 0,
  time: 1_700_000_000_000,
  netns: { inode: 4026531833, name: undefined },
  severity: 'warning',
  message: 'overflow firing in netns:4026531833: TcpExtListenOverflows > 0 (9 > 0)',
};

describe('createRecorder + readRecording', () => {
  for (const gzip of [false, true]) {
    it(`round-trips inputs and alerts (${gzip ? 'gzip' : 'plain'})`, async () => {
      const session = fakeSession();
      const path = tmp.path(gzip ? 'r.ndjson.gz' : 'r.ndjson');
      const rec = createRecorder(session, { path, gzip });
      const inputs = rawInputs(12);
      for (const i of inputs.slice(0, 6)) session.input$.next(i);
      rec.alert(inputs[5]!.t, ALERT);
      for (const i of inputs.slice(6)) session.input$.next(i);
      const summary = await rec.stop();
      expect(summary).toMatchObject({
        endReason: 'stopped',
        inputs: inputs.length,
        intervals: 11,
        alerts: 1,
        files: [path],
        error: undefined,
      });
      expect(summary.bytes).toBe((await stat(path)).size);
      const magic = (await readFile(path)).subarray(0, 2);
      expect(magic[0] === 0x1f && magic[1] === 0x8b).toBe(gzip);

      const { entries, reader } = await readAll(path);
      expect(reader.gzip).toBe(gzip);
      expect(reader.header).toMatchObject({
        format: 'tcpscope-recording',
        version: 1,
        description: JSON.parse(JSON.stringify(session.describe())) as unknown,
      });
      expect(withoutHints(entries.filter((e) => e.kind !== 'alert' && e.kind !== 'end'))).toEqual(inputs);
      expect(entries.filter((e) => e.kind === 'alert')).toEqual([{ kind: 'alert', t: inputs[5]!.t, alert: ALERT }]);
      expect(reader.stats).toMatchObject({
        inputs: inputs.length,
        alerts: 1,
        skipped: 0,
        truncated: undefined,
        endReason: 'stopped',
      });
    });
  }

  it('creates the file with mode 0600 whatever the umask', async () => {
    const old = process.umask(0);
    try {
      const rec = createRecorder(fakeSession(), { path: tmp.path('m.ndjson') });
      expect((await stat(tmp.path('m.ndjson'))).mode & 0o777).toBe(0o600);
      await rec.stop();
    } finally {
      process.umask(old);
    }
  });

  it('never overwrites an existing file: a one-line I/O error', async () => {
    await writeFile(tmp.path('x'), 'precious');
    let caught: unknown;
    try {
      createRecorder(fakeSession(), { path: tmp.path('x') });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TcpscopeError);
    expect(caught).toMatchObject({ exitCode: ExitCode.io, message: expect.stringContaining('already exists') });
    expect(await readFile(tmp.path('x'), 'utf8')).toBe('precious');
  });

  for (const gzip of [false, true]) {
    it(`puts every completed interval in the file while still recording (${gzip ? 'gzip sync flush' : 'plain'})`, async () => {
      const session = fakeSession();
      const path = tmp.path('live');
      const rec = createRecorder(session, { path, gzip });
      const inputs = rawInputs(5);
      for (const i of inputs) session.input$.next(i);
      // a probe line of the next interval: buffered until its host sample closes the interval
      session.input$.next({ kind: 'probe', t: inputs.at(-1)!.t + 500, line: 'pending' });
      await settle();
      const { entries, reader } = await readAll(path);
      expect(withoutHints(entries)).toEqual(inputs);
      // no end marker yet; the gzip stream has no trailer yet, which the reader reports as a cut
      expect(reader.stats.endReason).toBeUndefined();
      if (gzip) expect(reader.stats.truncated).toContain('gzip stream ends early');
      else expect(reader.stats.truncated).toBeUndefined();
      const summary = await rec.stop();
      const after = await readAll(path);
      expect(
        after.entries
          .filter((e) => e.kind === 'probe')
          .map((e) => e.kind === 'probe' && e.line)
          .at(-1),
      ).toBe('pending');
      expect(after.reader.stats).toMatchObject({ endReason: 'stopped', truncated: undefined });
      expect(summary.inputs).toBe(inputs.length + 1);
    });
  }

  it('ends with the session', async () => {
    const session = fakeSession();
    const rec = createRecorder(session, { path: tmp.path('s') });
    for (const i of rawInputs(3)) session.input$.next(i);
    session.input$.complete();
    const summary = await rec.done;
    expect(summary.endReason).toBe('session-ended');
    expect((await readAll(tmp.path('s'))).reader.stats.endReason).toBe('session-ended');
  });

  it('stops at --max-size without rotation, keeping a file that replays', async () => {
    const session = fakeSession();
    const rec = createRecorder(session, { path: tmp.path('cap'), maxSize: 3000 });
    for (const i of rawInputs(40)) {
      session.input$.next(i);
      if (i.kind === 'host') await settle();
    }
    const summary = await rec.done;
    expect(summary.endReason).toBe('max-size');
    expect(summary.inputs).toBeLessThan(80);
    expect(session.stopped).toBe(0);
    const { entries, reader } = await readAll(tmp.path('cap'));
    expect(reader.stats.endReason).toBe('max-size');
    expect(entries.filter((e) => e.kind === 'host').length).toBeGreaterThan(1);
  });

  it('rotates at --max-size: PATH newest, PATH.1 older, each part self-contained from its baseline', async () => {
    const session = fakeSession();
    const path = tmp.path('rot');
    const rec = createRecorder(session, { path, maxSize: 2500, rotate: 2 });
    const inputs = rawInputs(40);
    for (const i of inputs) {
      session.input$.next(i);
      if (i.kind === 'host') await settle();
    }
    const summary = await rec.stop();
    expect(summary.files).toEqual([path, `${path}.1`, `${path}.2`]);
    await expect(stat(`${path}.3`)).rejects.toThrow();
    const parts = await Promise.all(summary.files.map((f) => readAll(f)));
    expect(parts.map((p) => p.reader.header.part ?? 0)).toEqual(
      [...parts.map((p) => p.reader.header.part ?? 0)].sort((a, b) => b - a),
    );
    expect(parts[0]!.reader.header.part ?? 0).toBeGreaterThan(2);
    expect(parts.slice(1).map((p) => p.reader.stats.endReason)).toEqual(['rotated', 'rotated']);
    for (const p of parts) {
      expect(p.entries[0]!.kind).toBe('host');
      expect(p.reader.stats.skipped).toBe(0);
      expect((await stat(p.reader.path)).mode & 0o777).toBe(0o600);
    }
    // consecutive parts overlap by exactly the baseline sample
    const lastHostOf1 = withoutHints(parts[1]!.entries.filter((e) => e.kind === 'host')).at(-1);
    expect(withoutHints([parts[0]!.entries[0]!])[0]).toEqual(lastHostOf1);
    // the newest part ends where the input ended
    expect(withoutHints(parts[0]!.entries.filter((e) => e.kind === 'host')).at(-1)).toEqual(inputs.at(-1));
  });
});
