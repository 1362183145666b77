// `tcpscope alerts export` as a user runs it: every --help example executed (output checked by promtool), refusals
// as one line with exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promtool } from '../helpers/promtool.js';

const CLI = 'dist/cli/main.js';
const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false, env: { NO_COLOR: '1' } });

/** The command lines of a help text's Examples block, split like a shell would (single quotes only). */
function examples(help: string): { args: string[]; redirect: string | undefined }[] {
  const block = help.slice(help.indexOf('Examples:') + 'Examples:'.length).split('\n');
  const lines = block.map((l) => l.trim()).filter((l) => l.startsWith('tcpscope '));
  return lines.map((line) => {
    const words = [...line.replace(/\s+#.*$/, '').matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    const gt = words.indexOf('>');
    const redirect = gt === -1 ? undefined : words[gt + 1];
    return { args: (gt === -1 ? words : words.slice(0, gt)).slice(1), redirect };
  });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-alerts-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tcpscope alerts export', () => {
  it('runs every --help example (alerts and alerts export); each output passes promtool check rules', async () => {
    const all = [];
    for (const cmd of [['alerts'], ['alerts', 'export']]) {
      const help = await run([...cmd, '--help']);
      expect(help.exitCode).toBe(0);
      all.push(...examples(help.stdout));
    }
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const [i, ex] of all.entries()) {
      const r = await run(ex.args);
      expect(r.exitCode, `${ex.args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      const file = join(dir, ex.redirect ?? `example-${i}.yml`);
      await writeFile(file, r.stdout);
      const check = await promtool(['check', 'rules', file]);
      expect(check.stdout + check.stderr, ex.args.join(' ')).toMatch(/SUCCESS: \d+ rules found/);
      expect(check.exitCode).toBe(0);
    }
    expect(await readFile(join(dir, 'tcpscope-rules.yml'), 'utf8')).toContain('alert: 1m_tcp_accept_queue_overflows');
  });

  it('refuses what PromQL cannot express with one line and exit 2, and a bad --format', async () => {
    const r = await run([
      'alerts',
      'export',
      '--format',
      'prometheus',
      '--alert',
      'rate(TcpExtListenOverflows) > 10/s',
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'tcpscope: cannot export alert "rate(TcpExtListenOverflows) > 10/s" to Prometheus: rate(TcpExtListenOverflows) has no window' +
        ' (tcpscope reads one interval, which Prometheus does not have): write rate(TcpExtListenOverflows[1m])',
    );
    const f = await run(['alerts', 'export', '--format', 'nagios']);
    expect(f.exitCode).toBe(2);
    expect(f.stderr).toBe('tcpscope: invalid --format "nagios": prometheus is the only format');
    const missing = await run(['alerts', 'export']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe("tcpscope: required option '-f, --format <format>' not specified");
  });
});
