import { existsSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCapturedRecording, tempDir } from './helpers.js';

const MAIN = new URL('../../../dist/cli/main.js', import.meta.url).pathname;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let good: string;
let intervals: number;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('node', [MAIN, ...args], {
    reject: false,
    timeout: 60_000,
    env: { NO_COLOR: '1' },
    stdin: 'ignore',
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** One `tcpscope: ...` line and no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tcpscope: /);
  return lines[0]!;
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error('dist/cli/main.js missing: build first (npx tsc -p tsconfig.json)');
  tmp = await tempDir();
  good = tmp.path('good.ndjson.gz');
  intervals = await writeCapturedRecording(good, 2);
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('tcpscope replay / report exit codes and messages (built CLI)', () => {
  it('replays a recording as NDJSON snapshots, one per interval, exit 0 and silent stderr', async () => {
    const r = await cli('replay', good, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const snaps = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { mode: string; findings: { id: string }[] });
    expect(snaps).toHaveLength(intervals);
    expect(snaps.every((s) => s.mode === 'replay')).toBe(true);
    expect(snaps.flatMap((s) => s.findings.map((f) => f.id))).toContain('accept-queue-overflow');
  });

  it('honours --from/--to and prints human lines without --json', async () => {
    const r = await cli('replay', good, '--json', '--from', '00:00:05', '--to', '10s');
    expect(r.stdout.trim().split('\n')).toHaveLength(6);
    const human = await cli('replay', good, '--lines', '--to', '0:03');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^\d\d:\d\d:\d\d tsx \| estab/m);
  });

  it('refuses what is not a recording with exit 7 and one line', async () => {
    await writeFile(tmp.path('notes.txt'), 'just some notes\n');
    const r = await cli('replay', tmp.path('notes.txt'));
    expect(r.code).toBe(7);
    expect(oneLine(r.stderr)).toContain('not a tcpscope recording');
  });

  it('refuses a future format version with exit 7', async () => {
    await writeFile(
      tmp.path('v9.ndjson'),
      `${JSON.stringify({ type: 'header', format: 'tcpscope-recording', version: 9, startedAt: 1, description: {} })}\n`,
    );
    const r = await cli('replay', tmp.path('v9.ndjson'), '--json');
    expect(r.code).toBe(7);
    expect(oneLine(r.stderr)).toMatch(/version 9 is newer than this tcpscope reads \(1\)/);
  });

  it('reports a missing file with exit 8', async () => {
    const r = await cli('report', tmp.path('missing.ndjson'));
    expect(r.code).toBe(8);
    expect(oneLine(r.stderr)).toContain('no such file');
  });

  it('refuses a line over 16 MiB with exit 7 instead of buffering it', async () => {
    const path = tmp.path('huge.ndjson');
    await writeCapturedRecording(path, 1);
    const fh = await open(path, 'a');
    await fh.write(`{"k":"p","t":1,"l":"${'x'.repeat(17 * 1024 * 1024)}"}\n`);
    await fh.close();
    const r = await cli('replay', path, '--json');
    expect(r.code).toBe(7);
    expect(oneLine(r.stderr)).toMatch(/line \d+ is longer than 16 MiB/);
  });

  it('replays past corrupt lines and a cut last line: exit 0, warnings with counts on stderr', async () => {
    const plain = tmp.path('damaged.ndjson');
    await writeCapturedRecording(plain, 1);
    const lines = (await readFile(plain, 'utf8')).trimEnd().split('\n');
    lines.splice(8, 0, 'garbage', '{"k":');
    const text = lines.join('\n');
    await writeFile(plain, text.slice(0, text.length - 25));
    const r = await cli('replay', plain, '--json');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(3);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^tcpscope: warning: .*2 corrupt line\(s\) skipped \(line 9: not valid JSON; line 10: not valid JSON\)/,
    );
    expect(warnings[1]).toMatch(/^tcpscope: warning: .*last line \(\d+\) is incomplete .*replayed up to 00:00:\d\d/);
  });

  it('rejects bad flags with exit 2', async () => {
    expect((await cli('replay', good, '--speed', 'fast')).code).toBe(2);
    expect((await cli('replay', good, '--from', '1:99')).code).toBe(2);
    expect((await cli('report', good, '--format', 'xml')).code).toBe(2);
  });

  it('never overwrites: record -o on an existing file fails with exit 8 before starting anything', async () => {
    const r = await cli('record', '-o', good, '--duration', '1s');
    expect(r.code).toBe(8);
    expect(oneLine(r.stderr)).toContain('already exists');
  });

  it('reports findings, timeline, listeners and sysctls in text, Markdown and JSON', async () => {
    const json = await cli('report', good, '--format', 'json');
    expect(json.code).toBe(0);
    const rep = JSON.parse(json.stdout) as {
      findings: { id: string; advice: string[] }[];
      listeners: { port: number }[];
      sysctls: { changes: { name: string }[] };
    };
    expect(rep.findings.map((f) => f.id)).toContain('accept-queue-overflow');
    expect(rep.findings.find((f) => f.id === 'accept-queue-overflow')!.advice.length).toBeGreaterThan(0);
    expect(rep.listeners[0]!.port).toBe(7002);
    expect(rep.sysctls.changes.map((c) => c.name)).toContain('net.core.somaxconn');
    const md = await cli('report', good, '--format', 'markdown');
    for (const h of [
      '# TCP incident report',
      '## Summary',
      '## Findings',
      '## Timeline',
      '## Top listeners',
      '## Sysctls',
    ])
      expect(md.stdout).toContain(h);
    const text = await cli('report', good);
    expect(text.stdout).toMatch(/FINDINGS \(\d+\)\n1\. \[critical\] accept queue overflow/);
  });
});
