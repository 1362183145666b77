// `--exec CMD ARGS…` (issue 13, the class): the command's own words, dashes included, up to a lone `--` or the end.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXEC_JSON_FLAG, splitExecArgv } from '../../../src/cli/exec-argv.js';
import { resolveExecutable } from '../../../src/alert/actions/command-path.js';
import { alertSetup } from '../../../src/cli/alert-flags.js';

const argv = (...a: string[]): string[] => ['node', 'tcpscope', ...a];

describe('--exec argv rule', () => {
  it('takes every word after --exec to the end, dashes included (the README example as written)', () => {
    const r = splitExecArgv(
      argv('watch', '--alert', 'census.CLOSE_WAIT > 500', '--exec', '/usr/local/bin/page-oncall', '--team', 'net'),
    );
    expect(r.exec).toEqual(['/usr/local/bin/page-oncall', '--team', 'net']);
    expect(r.argv).toEqual(
      argv(
        'watch',
        '--alert',
        'census.CLOSE_WAIT > 500',
        EXEC_JSON_FLAG,
        JSON.stringify(['/usr/local/bin/page-oncall', '--team', 'net']),
      ),
    );
  });
  it('keeps a shell one-liner whole: --exec /bin/sh -c "…"', () => {
    expect(splitExecArgv(argv('watch', '--exec', '/bin/sh', '-c', 'echo "$TCPSCOPE_ALERT_NAME"')).exec).toEqual([
      '/bin/sh',
      '-c',
      'echo "$TCPSCOPE_ALERT_NAME"',
    ]);
  });
  it('ends at a lone --, after which tcpscope options continue', () => {
    const r = splitExecArgv(argv('watch', '--exec', 'logger', '-t', 'tcpscope', '--', '--duration', '5s'));
    expect(r.exec).toEqual(['logger', '-t', 'tcpscope']);
    expect(r.argv.slice(-2)).toEqual(['--duration', '5s']);
  });
  it('accepts --exec=CMD, refuses an empty command and a second --exec', () => {
    expect(splitExecArgv(argv('watch', '--exec=/bin/true', '-x')).exec).toEqual(['/bin/true', '-x']);
    expect(() => splitExecArgv(argv('watch', '--exec'))).toThrow(/--exec needs a command/);
    expect(() => splitExecArgv(argv('watch', '--exec', ''))).toThrow(/--exec needs a command/);
    expect(() => splitExecArgv(argv('watch', '--exec', 'a', '--', '--exec', 'b'))).toThrow(/--exec given twice/);
  });
  it('leaves words after a lone -- before any --exec alone (operands)', () => {
    expect(splitExecArgv(argv('replay', '--', '--exec')).exec).toBeUndefined();
  });
});

describe('--exec command checked at start (item 13)', () => {
  it('resolves names on PATH and paths; refuses missing, directories and non-executables with exit 2', () => {
    expect(resolveExecutable('sh')).toMatch(/\/sh$/);
    expect(resolveExecutable('/bin/sh')).toBe('/bin/sh');
    expect(() => resolveExecutable('/nonexistent/page-oncall')).toThrow(
      '--exec /nonexistent/page-oncall: no such file',
    );
    expect(() => resolveExecutable('/tmp')).toThrow('--exec /tmp: is a directory');
    const plain = join(mkdtempSync(join(tmpdir(), 'tcpscope-exec-')), 'page');
    writeFileSync(plain, '#!/bin/sh\n', { mode: 0o644 });
    expect(() => resolveExecutable(plain)).toThrow(`--exec ${plain}: not executable (chmod +x?)`);
    expect(() => resolveExecutable('no-such-pager-xyz')).toThrow(/not found on PATH/);
  });
  it('alertSetup fails before anything starts for a missing command', async () => {
    await expect(
      alertSetup({ alert: ['TcpOutRsts > 0'], execJson: JSON.stringify(['/nonexistent/x', '--team', 'net']) }),
    ).rejects.toMatchObject({ exitCode: 2, message: '--exec /nonexistent/x: no such file' });
  });
  it('refuses two rules with one name (item 14)', async () => {
    await expect(alertSetup({ alert: ['a: TcpOutRsts > 0', 'a: TcpOutRsts > 5'] })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/two alert rules are named "a"/),
    });
  });
});
