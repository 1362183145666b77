// Issue 13: a newcomer's and a hostile user's inputs to the real binary, each with one clear line and the README's
// exit code (items 4, 7, 8, 9, 10, 11, 12, 13, 14, 19 and the --exec class).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const DEMO = join(ROOT, 'demo/incident.ndjson.gz');
let dir = '';

const run = async (args: string[], opts: { env?: Record<string, string>; shell?: string } = {}) => {
  const r = opts.shell
    ? await execa('bash', ['-o', 'pipefail', '-c', opts.shell], {
        reject: false,
        env: { NO_COLOR: '1', ...opts.env },
        timeout: 60_000,
      })
    : await execa('node', [CLI, ...args], {
        reject: false,
        env: { NO_COLOR: '1', ...opts.env },
        stdin: 'ignore',
        timeout: 60_000,
      });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};
const lines = (s: string): string[] => s.trim().split('\n').filter(Boolean);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-odd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--exec CMD ARGS… and replay alert flags (the class)', () => {
  it('runs the README example shape: the command gets its own dashed arguments, in a replay', async () => {
    const log = join(dir, 'pager.log');
    const pager = join(dir, 'page-oncall');
    await writeFile(pager, `#!/bin/sh\necho "args: $*" >> ${log}\n`, { mode: 0o755 });
    const r = await run([
      'replay',
      DEMO,
      '--lines',
      '--alert',
      'overflow: finding(accept-queue-overflow)',
      '--exec',
      pager,
      '--team',
      'net',
    ]);
    expect(r.code).toBe(0);
    expect(await readFile(log, 'utf8')).toMatch(/^args: --team net$/m);
    // its output went to stderr (stdout carries the lines), never lost
    const sh = await run([
      'replay',
      DEMO,
      '--json',
      '--alert',
      'o: finding(accept-queue-overflow)',
      '--exec',
      '/bin/sh',
      '-c',
      'echo "paged $TCPSCOPE_ALERT_NAME"',
    ]);
    expect(sh.code).toBe(0);
    expect(sh.stderr).toMatch(/^tcpscope: --exec: paged o$/m);
    expect(sh.stdout).not.toContain('paged');
  });
  it('refuses a missing or non-executable command at start with exit 2, before replaying anything', async () => {
    const r = await run([
      'replay',
      DEMO,
      '--json',
      '--alert',
      'finding(syn-flood)',
      '--exec',
      '/usr/local/bin/page-oncall-missing',
      '--team',
      'net',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual(['tcpscope: --exec /usr/local/bin/page-oncall-missing: no such file']);
  });
  it('replay --exit-on-alert exits 1 when the rule fires on the recording, 0 when it does not', async () => {
    expect((await run(['replay', DEMO, '--alert', 'finding(accept-queue-overflow)', '--exit-on-alert'])).code).toBe(1);
    expect(
      (await run(['replay', DEMO, '--lines', '--alert', 'census.CLOSE_WAIT > 100000', '--exit-on-alert'])).code,
    ).toBe(0);
  });
});

describe('odd values', () => {
  it.each([
    [['watch', '--duration', ''], 'tcpscope: invalid --duration: empty value'],
    [['watch', '--port', ''], 'tcpscope: invalid --port: empty value'],
    [['watch', '--port', ' 80'], 'tcpscope: invalid --port " 80": remove the spaces around the value'],
    [['watch', '--netns', ''], 'tcpscope: invalid --netns: empty value'],
    [['watch', '--duration', '1s1m'], 'tcpscope: invalid --duration "1s1m": use e.g. 500ms, 30s, 5m, 1m30s, 2h, 1d'],
    [['watch', '--port', '80', '--port', '443'], 'tcpscope: --port given twice: it takes one value per run'],
    [
      ['watch', '--alert', 'a: TcpOutRsts > 0', '--alert', 'a: TcpOutRsts > 1'],
      'tcpscope: two alert rules are named "a": give each its own name ("NAME: EXPR")',
    ],
    [['replay', DEMO, '--json', '--lines'], 'tcpscope: --json and --lines both choose the output: give one'],
    [
      ['replay', DEMO, '--speed', '0.0000001'],
      'tcpscope: invalid --speed "0.0000001": the slowest is 0.01 (one interval of 1 s per 100 s)',
    ],
    [
      ['record', '-o', '/tmp/never-written.ndjson', '--max-size', '1'],
      'tcpscope: invalid --max-size "1": the smallest is 1K (the recording header alone is larger)',
    ],
    [
      ['watch', '--alert', `${'('.repeat(2000)}1 > 0${')'.repeat(2000)}`.slice(0)],
      /col 65: expression nested too deeply/,
    ],
    [['watch', '--alert', '💥: TcpOutRsts > 0'], /unexpected character "💥"/],
    [['watch', '--alert', 'finding(nope)'], /col 9: unknown finding "nope"/],
  ] as const)('%# %j → exit 2, one line', async (args, message) => {
    const r = await run([...args]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    if (typeof message === 'string') expect(r.stderr.trim()).toBe(message);
    else expect(r.stderr).toMatch(message);
  });
  it('accepts 1m30s and 1d everywhere (one duration grammar)', async () => {
    const r = await run([
      'replay',
      DEMO,
      '--json',
      '--from',
      '0m10s',
      '--to',
      '1d',
      '--alert',
      'x: census.CLOSE_WAIT > 1 for 0m2s',
    ]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).length).toBeGreaterThan(5);
  });
});

describe('files and paths name the real cause (item 12)', () => {
  it.each([
    [
      ['record', '-o', '/tmp', '--duration', '1s'],
      8,
      'tcpscope: cannot create recording /tmp: it is a directory (give a file name inside it)',
    ],
    [
      ['record', '-o', '/proc/x', '--duration', '1s'],
      8,
      'tcpscope: cannot create recording /proc/x: the file system of /proc does not allow creating files there',
    ],
    [
      ['record', '-o', '/nonexistent-dir/x', '--duration', '1s'],
      8,
      'tcpscope: cannot create recording /nonexistent-dir/x: the directory /nonexistent-dir does not exist',
    ],
    [
      ['watch', '--alert', 'x: TcpOutRsts > 0', '--alerts', '/tmp'],
      2,
      'tcpscope: cannot read alerts file /tmp: it is a directory, not a rules file',
    ],
    [['watch', '--alerts', '/dev/zero'], 2, 'tcpscope: cannot read alerts file /dev/zero: not a regular file'],
    [
      ['watch', '--alerts', '/nonexistent.yaml'],
      2,
      'tcpscope: cannot read alerts file /nonexistent.yaml: no such file',
    ],
    [
      ['serve', '--textfile', '/etc/passwd'],
      2,
      'tcpscope: invalid --textfile /etc/passwd: not a directory (give the node_exporter textfile directory; tcpscope writes tcpscope.prom in it)',
    ],
  ] as const)('%j', async (args, code, message) => {
    const t0 = Date.now();
    const r = await run([...args]);
    expect(r.stderr.trim()).toBe(message);
    expect(r.code).toBe(code);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('recordings (items 4, 8, 11)', () => {
  it('replays what decoded before a damaged gzip byte, and all of it with junk appended, warning with the position', async () => {
    const intact = lines((await run(['replay', DEMO, '--json'])).stdout).length;
    const buf = await readFile(DEMO);
    const damaged = Buffer.from(buf);
    damaged[Math.floor(buf.length / 2)]! ^= 0xff;
    await writeFile(join(dir, 'damaged.ndjson.gz'), damaged);
    await writeFile(join(dir, 'junk.ndjson.gz'), Buffer.concat([buf, Buffer.from('JUNK AFTER THE END\n')]));
    const d = await run(['replay', join(dir, 'damaged.ndjson.gz'), '--json']);
    expect(d.code).toBe(0);
    expect(lines(d.stdout).length).toBeGreaterThan(5);
    expect(lines(d.stdout).length).toBeLessThan(intact);
    expect(d.stderr).toMatch(
      /gzip data damaged \(.*, noticed at byte \d+ of \d+\): replayed what decoded before it; replayed up to 00:00:\d\d/,
    );
    const j = await run(['replay', join(dir, 'junk.ndjson.gz'), '--json']);
    expect(j.code).toBe(0);
    expect(lines(j.stdout)).toHaveLength(intact);
    expect(j.stderr).toMatch(/junk after the end of the gzip data \(.* near byte \d+ of \d+\): ignored/);
    const rep = await run(['report', join(dir, 'damaged.ndjson.gz')]);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toContain('accept-queue-overflow');
  });
  it('a paced replay ends when its reader goes away (| head -1)', async () => {
    const t0 = Date.now();
    const r = await run([], { shell: `node ${CLI} replay ${DEMO} --speed 1 --lines | head -1` });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(8_000); // the recording lasts 24 s at speed 1
  });
  it('warns when nothing is replayed: --from past the end, a header-only recording', async () => {
    const past = await run(['replay', DEMO, '--json', '--from', '2h']);
    expect(past.code).toBe(0);
    expect(past.stdout).toBe('');
    expect(past.stderr).toMatch(/warning: .*nothing to replay from 2h: the recording ends at 00:00:2\d/);
    const header = (await execa('sh', ['-c', `gzip -dc ${DEMO} | head -1`])).stdout;
    await writeFile(join(dir, 'header-only.ndjson.gz'), gzipSync(`${header}\n`));
    const h = await run(['replay', join(dir, 'header-only.ndjson.gz'), '--json']);
    expect(h.code).toBe(0);
    expect(h.stderr).toMatch(/warning: .*holds no complete interval \(header only\?\): nothing to replay/);
    const rep = await run(['report', join(dir, 'header-only.ndjson.gz')]);
    expect(rep.code).toBe(0);
    expect(rep.stderr).toMatch(/warning: .*no complete interval/);
  });
});

describe('terminals and privileges (items 5, 9, 10)', () => {
  it('refuses to draw the demo on TERM=dumb, pointing to --lines / --json', async () => {
    const r = await execa('script', ['-qec', `TERM=dumb node ${CLI} demo`, '/dev/null'], {
      reject: false,
      timeout: 30_000,
      env: { TERM: 'dumb' },
    });
    expect(r.exitCode).toBe(2);
    expect(String(r.stdout)).toMatch(
      /tcpscope: the dashboard cannot draw on TERM=dumb \(set TERM \(e\.g\. TERM=xterm-256color\), or use `tcpscope demo --lines`/,
    );
  });
  it('doctor as non-root says tracefs needs root when it is mounted but unreadable', async () => {
    await execa('sh', [
      '-c',
      'grep -q " /sys/kernel/tracing tracefs" /proc/self/mounts || mount -t tracefs tracefs /sys/kernel/tracing',
    ]);
    const r = await execa(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', 'node', CLI, 'doctor'],
      { reject: false, env: { NO_COLOR: '1' }, cwd: '/' },
    );
    expect(r.stdout).toMatch(
      /✘ tracefs: mounted at \/sys\/kernel\/tracing but not readable as uid 65534.*: reading tracepoints needs root/,
    );
    expect(r.stdout).not.toMatch(/tracefs: not mounted/);
  });
  it('sysctl --netns X as non-root exits 4 with the same clear cause as watch, never "(absent)" values', async () => {
    const ns = `tcpscope-t13-${process.pid}`;
    await execa('ip', ['netns', 'add', ns]);
    try {
      const r = await execa(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', 'node', CLI, 'sysctl', '--netns', ns],
        { reject: false, env: { NO_COLOR: '1' }, cwd: '/' },
      );
      expect(r.exitCode).toBe(4);
      expect(String(r.stdout)).not.toContain('(absent)');
      expect(String(r.stderr).trim()).toBe(
        `tcpscope: reading the sysctls of netns ${ns} needs root: they are visible only from inside it (sudo tcpscope sysctl --netns ${ns})`,
      );
      const asRoot = await run(['sysctl', '--netns', ns]);
      expect(asRoot.code).toBe(0);
      expect(asRoot.stdout).toMatch(/net\.core\.somaxconn\s+4096/);
    } finally {
      await execa('ip', ['netns', 'del', ns], { reject: false });
    }
  });
});

describe('output wording (item 19)', () => {
  it("netns marks tcpscope's own netns in a column of its own, not in TCP", async () => {
    const r = await run(['netns']);
    expect(r.code).toBe(0);
    const self = lines(r.stdout).find((l) => l.startsWith('*'));
    expect(self).toMatch(/^\* \d+ /);
    expect(r.stdout).not.toContain('(tcpscope)');
    expect(r.stdout).toContain('* the netns tcpscope runs in');
  });
  it('report says how many snapshots, not "N intervals" over a shorter time', async () => {
    const r = await run(['report', DEMO]);
    expect(r.stdout).toMatch(/for \d+s \(\d+ snapshots, one per 1000 ms interval\)/);
  });
});

describe('the watched netns deleted mid-run (item 19)', () => {
  it('ends the session with exit 6 and says so when nothing but tcpscope kept it alive', async () => {
    const ns = `tcpscope-del-${process.pid}`;
    await execa('ip', ['netns', 'add', ns]);
    try {
      const child = execa('node', [CLI, 'watch', '--procfs', '--netns', ns], { reject: false, timeout: 30_000 });
      let out = '';
      child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
      for (let i = 0; i < 100 && !out.includes(ns); i++) await new Promise((r) => setTimeout(r, 100));
      await execa('ip', ['netns', 'del', ns]);
      const r = await child;
      expect(r.exitCode).toBe(6);
      expect(String(r.stderr)).toContain(
        `tcpscope: netns ${ns} was deleted (ip netns del) while watched (no process was left in it)`,
      );
    } finally {
      await execa('ip', ['netns', 'del', ns], { reject: false });
    }
  });
});
