// Security properties as tests: no user text in probe programs, no shell, no --unsafe, 0600 files, loopback metrics.
import { readFile, readdir, stat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { detectCapabilities } from '../../src/kernel/capabilities.js';
import { buildProgram } from '../../src/kernel/probes/program.js';
import { ensureTracefs } from '../../src/kernel/tracefs/tracefs.js';
import { requireKernelTracing } from '../helpers/prereq.js';
import { CLI, cli, dropNetns, oneLineError, sleep, throwawayNetns, tracersOf, waitFor } from './helpers.js';

async function filesUnder(dir: string, ext: RegExp): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p, ext)));
    else if (ext.test(e.name)) out.push(p);
  }
  return out;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-sec-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('probe programs carry no user text', () => {
  it('rejects hostile filter values and keeps valid ones out of the program text', async () => {
    await requireKernelTracing();
    const caps = await detectCapabilities((await ensureTracefs({ mount: true })).path ?? '/sys/kernel/tracing');
    const hostile: [number, number][] = [
      [70000, 0],
      [-1, 0],
      [1.5, 0],
      [Number.NaN, 0],
      [0, -1],
      [0, 2 ** 32],
      [0, 1.5],
      [0, Number.POSITIVE_INFINITY],
    ];
    for (const [port, netnsInode] of hostile) {
      expect(
        () => buildProgram(caps, { port, netnsInode, intervalMs: 1000 }),
        `port ${port} netns ${netnsInode}`,
      ).toThrow(/must be an integer/);
    }
    const p = buildProgram(caps, { port: 48123, netnsInode: 4026599999, intervalMs: 1000 });
    expect(p.text).not.toContain('48123');
    expect(p.text).not.toContain('4026599999');
    expect(p.args).toEqual(expect.arrayContaining(['48123', '4026599999']));
  });

  it('CLI: hostile --port/--netns are refused; the running bpftrace gets filters only as positional args after --', async () => {
    await requireKernelTracing();
    for (const port of ['80;reboot', '$(id)', '8080 || 1', '0x1f90', '1e3']) {
      const r = await cli(['watch', '--port', port, '--duration', '1s']);
      expect(r.exitCode, port).toBe(ExitCode.usage);
      expect(oneLineError(r.stderr)).toBe(true);
    }
    for (const netns of ['$(reboot)', '/etc/passwd', 'a\nb', '1; true']) {
      const r = await cli(['watch', '--netns', netns, '--duration', '1s']);
      expect(r.exitCode, JSON.stringify(netns)).toBe(ExitCode.netns);
      expect(oneLineError(r.stderr)).toBe(true);
    }
    const ns = await throwawayNetns('sec');
    const watch = execa('node', [CLI, 'watch', '--json', '--netns', ns, '--port', '48123'], {
      reject: false,
      stdout: 'ignore',
    });
    try {
      const [t] = await tracersOf(watch.pid!);
      const argv = (await readFile(`/proc/${t!.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      expect(argv[0]).toMatch(/bpftrace$/);
      expect(argv).not.toContain('--unsafe');
      const e = argv.indexOf('-e');
      const dash = argv.indexOf('--');
      expect(e).toBeGreaterThan(0);
      expect(dash).toBeGreaterThan(e);
      expect(argv[e + 1]).not.toContain('48123');
      expect(argv.slice(dash + 1)).toContain('48123');
      const inode = String((await stat(`/run/netns/${ns}`)).ino);
      expect(argv[e + 1]).not.toContain(inode);
      expect(argv.slice(dash + 1)).toContain(inode);
    } finally {
      watch.kill('SIGINT');
      await watch;
      await dropNetns(ns);
    }
  }, 60_000);
});

describe('source checks', () => {
  it('nothing in src/ spawns through a shell', async () => {
    const offenders: string[] = [];
    for (const f of await filesUnder('src', /\.ts$/)) {
      const text = await readFile(f, 'utf8');
      const code = text.replace(/^\s*(\/\/|\*).*$/gm, '');
      const rules: [RegExp, string][] = [
        [/shell\s*:\s*true/, 'shell: true'],
        [/execaCommand/, 'execaCommand'],
        [/(?<![.\w])exec(Sync)?\s*\(/, 'child_process exec('],
        [/from\s+['"](node:)?child_process['"]/, 'child_process import'],
        [/['"]\/bin\/(ba)?sh['"]|['"]sh['"]\s*,\s*\[\s*['"]-c['"]/, '/bin/sh -c'],
        [/\$`|execa\s*`/, 'execa template string'],
      ];
      for (const [re, what] of rules) if (re.test(code)) offenders.push(`${f}: ${what}`);
    }
    expect(offenders).toEqual([]);
  });

  it('no --unsafe anywhere in src/ or probes/ (only the runner refusing it), and no system() in probes', async () => {
    const hits: string[] = [];
    for (const f of [...(await filesUnder('src', /\.ts$/)), ...(await filesUnder('probes', /\.bt$/))]) {
      const lines = (await readFile(f, 'utf8')).split('\n');
      lines.forEach((l, i) => {
        // Allowed: the runner's refusal and comments saying "never --unsafe".
        if (l.includes('--unsafe') && !/includes\('--unsafe'\)|never --unsafe/.test(l))
          hits.push(`${f}:${i + 1}: ${l.trim()}`);
        if (f.endsWith('.bt') && /\bsystem\s*\(/.test(l)) hits.push(`${f}:${i + 1}: system()`);
      });
    }
    expect(hits).toEqual([]);
  });
});

describe('files and listeners', () => {
  it('record creates its files 0600 even with umask 000 (rotated parts too)', async () => {
    const file = join(dir, 'rec.ndjson');
    const r = await execa(
      'bash',
      [
        '-c',
        'umask 000; exec node "$0" record -o "$1" --procfs --duration 2500ms --quiet --max-size 2K --rotate 2',
        CLI,
        file,
      ],
      { reject: false },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const parts = (await readdir(dir)).filter((f) => f.startsWith('rec.ndjson'));
    expect(parts.length).toBeGreaterThan(0);
    for (const p of parts) expect(((await stat(join(dir, p))).mode & 0o777).toString(8), p).toBe('600');
  });

  it('serve refuses public addresses unless --allow-public, and binds loopback by default', async () => {
    for (const addr of ['0.0.0.0:9464', '[::]:9464', '*:9464', '10.1.2.3:9464']) {
      const r = await cli(['serve', '--metrics', addr]);
      expect(r.exitCode, `${addr}: ${r.stderr}`).toBe(ExitCode.usage);
      expect(oneLineError(r.stderr), r.stderr).toBe(true);
    }
    const port = 20000 + Math.floor(Math.random() * 20000);
    const serve = execa('node', [CLI, 'serve', '--procfs', '--metrics', `localhost:${port}`], { reject: false });
    try {
      const listening = await waitFor(
        async () => (await execa('ss', ['-ltnH', `sport = :${port}`])).stdout.trim(),
        (s) => s !== '',
        15_000,
        200,
      );
      const locals = listening.split('\n').map((l) => l.trim().split(/\s+/)[3] ?? '');
      expect(locals.length).toBeGreaterThan(0);
      for (const l of locals) expect(l).toMatch(/^(127\.0\.0\.1|\[::1\]):\d+$/);
    } finally {
      serve.kill('SIGTERM');
      await serve;
      await sleep(0);
    }
  }, 30_000);
});
