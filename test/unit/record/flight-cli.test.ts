// Flight recorder flags: every misuse is one line and exit 2 (or 8 for an unusable DIR), before anything starts.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeCapturedRecording } from './helpers.js';

const MAIN = new URL('../../../dist/cli/main.js', import.meta.url).pathname;
let tmp: Awaited<ReturnType<typeof tempDir>>;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('node', [MAIN, ...args], {
    reject: false,
    timeout: 60_000,
    env: { NO_COLOR: '1' },
    stdin: 'ignore',
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error('dist/cli/main.js missing: build first (npx tsc -p tsconfig.json)');
  tmp = await tempDir();
});
afterAll(async () => tmp.cleanup());

describe('flight recorder flags', () => {
  it.each([
    [['record', '--on-alert', 'DIR'], 2, '--on-alert needs at least one --alert or --alerts rule'],
    [['watch', '--ring', '5m'], 2, '--ring needs --on-alert DIR'],
    [['serve', '--keep', '3'], 2, '--keep needs --on-alert DIR'],
    [['record', '--on-alert', 'DIR', '--alert', 'TcpOutRsts > 1', '--keep', '0'], 2, 'invalid --keep "0"'],
    [['record', '--on-alert', 'DIR', '--alert', 'TcpOutRsts > 1', '--ring', 'soon'], 2, '--ring'],
    [['record', '--on-alert', 'FILE', '--alert', 'TcpOutRsts > 1'], 8, 'not a directory'],
    [['record'], 2, '--output FILE (or --on-alert DIR, the flight recorder) is required'],
    [['watch', '--incident-scope', 'netns'], 2, '--incident-scope needs --on-alert DIR'],
    [
      ['record', '--on-alert', 'DIR', '--alert', 'TcpOutRsts > 1', '--incident-scope', 'pod'],
      2,
      'invalid --incident-scope "pod"',
    ],
    [
      ['record', '--on-alert', 'DIR', '--alert', 'TcpOutRsts > 1', '--incident-scope', 'netns', '--netns', 'x'],
      2,
      '--incident-scope netns is for whole-host mode',
    ],
  ])('%j → exit %i', async (args, code, text) => {
    const file = tmp.path('a-file');
    await writeFile(file, 'x');
    const r = await cli(...args.map((a) => (a === 'DIR' ? tmp.path('incidents') : a === 'FILE' ? file : a)));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(text);
    expect(r.code).toBe(code);
    // Nothing is created when the flags are refused.
    if (code === 2) expect(existsSync(tmp.path('incidents'))).toBe(false);
  });

  it('incidents DIR lists what a flight recorder saved; an empty DIR says so; a missing DIR exits 8', async () => {
    const dir = tmp.path('list');
    await mkdir(dir);
    expect((await cli('incidents', dir)).stderr).toContain(`no incidents in ${dir}`);
    await writeCapturedRecording(`${dir}/incident-20261127T044501123Z-web1-ovf.ndjson.gz`, 2);
    const r = await cli('incidents', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('incident-20261127T044501123Z-web1-ovf.ndjson.gz');
    expect((await cli('incidents', tmp.path('nope'))).code).toBe(8);
  });
});
