// Bad input of every kind: one `tcpscope: ...` line with the documented exit code (src/errors.ts), never a stack
// trace, and nothing written half (no output file, no partial stdout).
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { requireKernelTracing } from '../helpers/prereq.js';
import { CLI, cli, oneLineError } from './helpers.js';

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

let dir = '';
let good = '';
beforeAll(async () => {
  await requireKernelTracing();
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-bad-'));
  good = join(dir, 'good.ndjson');
  const r = await cli(['record', '-o', good, '--procfs', '--duration', '2500ms', '--quiet']);
  if (r.exitCode !== 0) throw new Error(`cannot make the reference recording: ${r.stderr}`);
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function expectError(
  r: { exitCode?: number | undefined; stderr: unknown; stdout: unknown },
  code: number,
  pattern?: RegExp,
): void {
  const stderr = String(r.stderr);
  expect(r.exitCode, stderr).toBe(code);
  expect(oneLineError(stderr), `one line, no stack:\n${stderr}`).toBe(true);
  expect(stderr).not.toMatch(/^\s+at /m);
  if (pattern) expect(stderr).toMatch(pattern);
  expect(String(r.stdout), 'nothing on stdout').toBe('');
}

describe('bad flags and values', () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /unknown option '--bogus'/],
    [['watch', '--bogus'], /unknown option '--bogus'/],
    [['watch', '--duration', 'soon'], /invalid --duration "soon"/],
    [['watch', '--duration', '1y'], /invalid --duration "1y"/],
    [['watch', '--interval', '0'], /invalid --interval "0"/],
    [['watch', '--interval', '-1s'], /invalid --interval "-1s"/],
    [['watch', '--port', '70000'], /invalid --port "70000"/],
    [['watch', '--port', '80;reboot'], /invalid --port "80;reboot"/],
    [['record'], /required option '-o, --output <file>'|--output/],
    [['record', '-o', '/tmp/never-written.ndjson', '--max-size', 'lots'], /--max-size/],
    [['record', '-o', '/tmp/never-written.ndjson', '--rotate', '3'], /--rotate needs --max-size/],
    [['replay', '/tmp/x.ndjson', '--speed', 'warp'], /speed/],
    [['watch', '--alert', 'foo >'], /--alert "foo >": col \d+: /],
    [['watch', '--alert', 'rate(TcpExtListenOverflows) > > 1'], /--alert .*col \d+/],
    [['replay', '/tmp/x.ndjson', '--alert', 'census.NOPE > 1'], /--alert/],
    [['serve', '--metrics', 'not-an-address'], /metrics/],
    [['top'], /the dashboard needs a terminal/],
  ];
  it.each(cases)('tcpscope %j → exit 2, one line', async (args, pattern) => {
    const r = await cli(args, {}, { input: '' });
    expectError(r, ExitCode.usage, pattern);
    expect(existsSync('/tmp/never-written.ndjson')).toBe(false);
  });
});

describe('environment problems', () => {
  it('unknown netns → exit 6 (watch, record: no file created)', async () => {
    expectError(
      await cli(['watch', '--netns', 'no-such-ns-xyz', '--duration', '1s']),
      ExitCode.netns,
      /unknown netns "no-such-ns-xyz"/,
    );
    expectError(await cli(['watch', '--netns', '../../etc/passwd', '--duration', '1s']), ExitCode.netns);
    const out = join(dir, 'nons.ndjson');
    expectError(await cli(['record', '-o', out, '--netns', 'no-such-ns-xyz']), ExitCode.netns);
    expect(existsSync(out)).toBe(false);
  });

  it('bpftrace missing → exit 5 with --ebpf (record: no file), procfs fallback otherwise', async () => {
    const env = { TCPSCOPE_BPFTRACE: '/nonexistent/bpftrace' };
    expectError(await cli(['watch', '--ebpf', '--duration', '1s'], env), ExitCode.tracer, /bpftrace is not installed/);
    const out = join(dir, 'nobpf.ndjson');
    expectError(await cli(['record', '-o', out, '--ebpf', '--duration', '1s'], env), ExitCode.tracer);
    expect(existsSync(out)).toBe(false);
    const auto = await cli(['watch', '--json', '--duration', '1500ms'], { ...env, PATH: '/usr/local/sbin:/sbin:/bin' });
    expect(auto.exitCode, auto.stderr).toBe(0);
    expect(JSON.parse(auto.stdout.split('\n')[0]!)).toMatchObject({
      mode: 'procfs',
      modeReason: expect.stringMatching(/bpftrace is not installed/),
    });
  });

  it('not root → exit 4 with --ebpf; record into an unwritable place → exit 8', async () => {
    const ebpf = await execa('setpriv', [...NOBODY, 'node', CLI, 'watch', '--ebpf', '--duration', '1s'], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expectError(ebpf, ExitCode.permission, /eBPF needs root/);
    const rec = await execa(
      'setpriv',
      [...NOBODY, 'node', CLI, 'record', '-o', '/root/tcpscope-fault.ndjson', '--procfs', '--duration', '1s'],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    expectError(rec, ExitCode.io, /cannot create recording .*permission denied/);
    expect(existsSync('/root/tcpscope-fault.ndjson')).toBe(false);
  });

  it('tracefs unmounted and not mountable → exit 5 with --ebpf, one line', async () => {
    // Private mount namespace: tracefs unmounted there, and CAP_SYS_ADMIN dropped so tcpscope cannot mount it back.
    const script =
      'umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; exec setpriv --bounding-set -sys_admin node "$0" watch --ebpf --duration 1s';
    const r = await execa('unshare', ['--mount', '--propagation', 'private', '--', 'bash', '-c', script, CLI], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expectError(r, ExitCode.tracer, /tracefs/);
  });

  it('/proc unreadable → exit 8, one line; one unreadable sysctl file → a note, the session goes on', async () => {
    const noProc = await execa(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        '--',
        'bash',
        '-c',
        'mount -t tmpfs -o ro,size=4k none /proc && exec node "$0" watch --json --procfs --duration 1s',
        CLI,
      ],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    expectError(noProc, ExitCode.io, /\/proc/);
    const blocked = join(dir, 'blocked');
    await writeFile(blocked, '');
    await chmod(blocked, 0o000);
    const script =
      'mount --bind "$1" /proc/sys/net/ipv4/tcp_fin_timeout && exec setpriv --bounding-set -dac_override,-dac_read_search node "$0" watch --json --procfs --duration 2500ms';
    const one = await execa(
      'unshare',
      ['--mount', '--propagation', 'private', '--', 'bash', '-c', script, CLI, blocked],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    expect(one.exitCode, one.stderr).toBe(0);
    const snaps = one.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { notes: string[] });
    expect(snaps[0]!.notes.join(' ')).toMatch(/tcp_fin_timeout unreadable: EACCES/);
  });
});

describe('bad recordings', () => {
  const corpus = async (): Promise<Record<string, { file: string; code: number; pattern: RegExp }>> => {
    const text = await readFile(good, 'utf8');
    const header = text.split('\n')[0]!;
    const files: Record<string, string> = {
      empty: '',
      garbage: 'garbage\u0000\u0001 not json\n',
      'cut header': text.slice(0, 150),
      'future version': text.replace('"version":1,', '"version":99,'),
      'huge line': `${header}\n{"k":"p","t":1,"l":"${'x'.repeat(20 * 1024 * 1024)}"}\n`,
      'gzip garbage': '\u001f\u008b\u0008 this is not deflate',
    };
    const out: Record<string, { file: string; code: number; pattern: RegExp }> = {};
    for (const [name, content] of Object.entries(files)) {
      const file = join(dir, `${name.replace(/ /g, '-')}.ndjson${name === 'gzip garbage' ? '.gz' : ''}`);
      await writeFile(file, content, name === 'gzip garbage' ? 'latin1' : 'utf8');
      out[name] = { file, code: ExitCode.recording, pattern: /./ };
    }
    out['missing file'] = { file: join(dir, 'missing.ndjson'), code: ExitCode.io, pattern: /no such file/ };
    return out;
  };

  it('replay and report: exit 7 (8 for a missing file), one line, no partial output', async () => {
    for (const [name, c] of Object.entries(await corpus())) {
      for (const cmd of [
        ['replay', c.file, '--speed', 'max', '--json'],
        ['report', c.file, '--format', 'json'],
      ]) {
        const r = await cli(cmd);
        expect(r.exitCode, `${name}: ${cmd[0]} ${r.stderr}`).toBe(c.code);
        expect(oneLineError(r.stderr), `${name}: ${cmd[0]}:\n${r.stderr}`).toBe(true);
        expect(r.stdout, `${name}: ${cmd[0]} wrote output`).toBe('');
      }
    }
  }, 60_000);

  it('a recording cut mid-line replays up to the cut with a warning (exit 0)', async () => {
    const text = await readFile(good, 'utf8');
    const cut = join(dir, 'cut.ndjson');
    const lastLine = text.trimEnd().lastIndexOf('\n');
    await writeFile(cut, text.slice(0, lastLine + 20));
    const r = await cli(['replay', cut, '--speed', 'max', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^tcpscope: warning: .*incomplete/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
