// scripts/kernels without booting anything: argument handling, exit statuses of `run host`, and the Debian mirror
// read from apt sources in both formats (deb822 .sources and one-line .list), security and foreign entries skipped.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const RUN = 'scripts/kernels/run';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function aptEtc(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'tcpscope-apt-'));
  dirs.push(d);
  mkdirSync(join(d, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

async function mirror(
  files: Record<string, string>,
): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  const env = { TCPSCOPE_APT_ETC: aptEtc(files), TCPSCOPE_DEBIAN_MIRROR: '' };
  const r = await execa('bash', ['-c', '. scripts/kernels/lib.sh && debian_mirror'], { env, reject: false });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

describe('scripts/kernels/run', () => {
  it('host: runs the command here and exits with its status; stdout and stderr stay apart', async () => {
    const r = await execa(RUN, ['host', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { reject: false });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err' });
  });

  it('--env passes a variable; arguments reach the command unchanged (no shell in between)', async () => {
    const r = await execa(RUN, ['--env', 'X=a b', 'host', '--', 'printf', '%s|', '$X', '; echo', '$(id)'], {
      reject: false,
    });
    expect(r.stdout).toBe('$X|; echo|$(id)|');
    const e = await execa(RUN, ['--env', 'X=a b', 'host', '--', 'sh', '-c', 'echo "$X"'], { reject: false });
    expect(e.stdout).toBe('a b');
  });

  it('usage errors exit 2 with one line naming the versions', async () => {
    for (const args of [
      [],
      ['5.10'],
      ['5.10', 'uname'],
      ['4.19', '--', 'true'],
      ['--cpus', 'x', '6.1', '--', 'true'],
    ]) {
      const r = await execa(RUN, args, { reject: false });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/5\.10 6\.1|usage/);
    }
  });

  it('the timeout stops the command (124)', async () => {
    const r = await execa(RUN, ['--timeout', '1', 'host', '--', 'sleep', '30'], { reject: false });
    expect(r.exitCode).toBe(124);
  });
});

describe('debian_mirror (scripts/kernels/lib.sh)', () => {
  it('deb822: the first stanza of a Debian release, not -security, not a foreign repository', async () => {
    const r = await mirror({
      'sources.list.d/nodesource.sources':
        'Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\n',
      'sources.list.d/debian.sources': [
        'Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n',
        'Types: deb\n# a comment\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n',
      ].join('\n'),
    });
    expect(r.stdout).toBe('http://mirror.example/debian');
  });

  it('one-line format, with [options]; sources.list first', async () => {
    const r = await mirror({
      'sources.list':
        '# x\ndeb http://security.example/debian-security bullseye-security main\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bullseye main\n',
      'sources.list.d/other.sources':
        'Types: deb\nURIs: http://other.example/debian\nSuites: bookworm\nComponents: main\n',
    });
    expect(r.stdout).toBe('http://m.example/debian');
  });

  it('no Debian entry: one line saying how to set the mirror, exit 1', async () => {
    const r = await mirror({ 'sources.list.d/x.list': 'deb https://packages.example/apt stable main\n' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('TCPSCOPE_DEBIAN_MIRROR');
  });
});
