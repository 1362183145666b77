// Rules files (YAML and JSON): fields, durations, and errors located as file:line:col.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAlerts, loadAlertsFile, parseAlertsText } from '../../../src/alert/rules-file.js';
import { ExitCode, TcpscopeError } from '../../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const msg = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TcpscopeError);
    expect((err as TcpscopeError).exitCode).toBe(ExitCode.usage);
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('rules files', () => {
  it('loads YAML with every field', async () => {
    const p = join(dir, 'alerts.yaml');
    await writeFile(
      p,
      `# team rules
- name: overflow
  expr: rate(TcpExtListenOverflows[1m]) > 5/s
  severity: critical
  for: 10s
  cooldown: 2m
  clear: 1/s
  clearAfter: 30
- expr: census.CLOSE_WAIT > 500
`,
    );
    const rules = await loadAlertsFile(p);
    expect(rules).toHaveLength(2);
    expect(rules[0]).toMatchObject({
      name: 'overflow',
      severity: 'critical',
      forMs: 10_000,
      cooldownMs: 120_000,
      clearAfterMs: 30_000,
    });
    expect(rules[0]!.clear).toMatchObject({ kind: 'num', value: 1 });
    expect(rules[1]).toMatchObject({ name: 'census.CLOSE_WAIT > 500', severity: 'warning', forMs: 0 });
  });

  it('loads JSON, and the {alerts: [...]} form', () => {
    expect(parseAlertsText('[{"name":"a","expr":"finding(accept-queue-overflow)"}]', 'a.json')[0]!.name).toBe('a');
    expect(parseAlertsText('alerts:\n  - expr: events.synackRetrans > 100\n', 'b.yaml')).toHaveLength(1);
  });

  it('points at the exact file column of an expression error (plain and quoted)', () => {
    expect(msg(() => parseAlertsText('- name: a\n  expr: rate(TcpExtListenOverflow) > 1\n', 'r.yaml'))).toBe(
      'r.yaml:2:14: unknown metric "TcpExtListenOverflow" — did you mean TcpExtListenOverflows?',
    );
    expect(msg(() => parseAlertsText('[{"name": "a",\n  "expr": "census.CLOSE_WAIT > "}]', 'r.json'))).toBe(
      'r.json:2:32: expected a number after ">"',
    );
  });

  it('names the line of other mistakes', () => {
    expect(msg(() => parseAlertsText('- name: a\n  exp: TcpExtListenDrops > 0\n', 'r.yaml'))).toBe(
      'r.yaml:2:3: unknown field "exp" — did you mean expr? (fields: name, expr, severity, cooldown, for, clear, clearAfter)',
    );
    expect(msg(() => parseAlertsText('- name: a\n', 'r.yaml'))).toBe('r.yaml:1:3: rule 1: missing "expr"');
    expect(msg(() => parseAlertsText('- expr: TcpExtListenDrops > 0\n  severity: warn\n', 'r.yaml'))).toBe(
      'r.yaml:1:3: rule 1: severity "warn" must be info, warning or critical — did you mean warning?',
    );
    expect(msg(() => parseAlertsText('- expr: TcpExtListenDrops > 0\n  for: soon\n', 'r.yaml'))).toMatch(
      /^r\.yaml:1:9: invalid for "soon"/,
    );
    expect(msg(() => parseAlertsText('- {expr: "a > 1", name: x}\n- {expr: "a > 1", name: x}\n', 'r.yaml'))).toMatch(
      /unknown metric "a"/,
    );
    expect(msg(() => parseAlertsText('- [unclosed\n', 'r.yaml'))).toMatch(/^r\.yaml:\d+:\d+: not valid YAML\/JSON/);
    expect(msg(() => parseAlertsText('name: a\n', 'r.yaml'))).toMatch(/expected a list of rules/);
  });

  it('a missing file is a usage error; `builtin` loads the Netdata-equivalent set', async () => {
    await expect(loadAlertsFile(join(dir, 'nope.yaml'))).rejects.toThrow(
      /cannot read alerts file .*nope\.yaml: no such file/,
    );
    const names = (await loadAlerts('builtin')).map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '1m_tcp_accept_queue_overflows',
        '1m_tcp_syn_queue_drops',
        '1m_tcp_syn_queue_cookies',
        '10s_ip_tcp_resets_sent',
        '10s_ip_tcp_resets_received',
      ]),
    );
  });
});
