// tcpscope alert rules → Prometheus rules: the PromQL of every metric family, the refusals, and the real promtool
// (check rules on every translation; test rules with input series: firing, per-netns labels, hysteresis, keep_firing_for).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { builtinRules } from '../../../src/alert/rules-file.js';
import { parseAlertFlag } from '../../../src/alert/rule.js';
import { toPrometheusRules } from '../../../src/export/rules/prometheus-rules.js';
import { promtool } from '../../helpers/promtool.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-promrules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface PromRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const rulesOf = (text: string): PromRule[] => (parse(text) as { groups: { rules: PromRule[] }[] }).groups[0]!.rules;
const exprOf = (flag: string): string => rulesOf(toPrometheusRules([parseAlertFlag(flag)]))[0]!.expr;

const TRANSLATIONS: [string, string][] = [
  ['rate(TcpExtListenOverflows[1m]) > 1/s', 'rate(tcpscope_netstat_tcpext_listen_overflows_total[1m]) > 1'],
  ['delta(TcpOutRsts[5m]) >= 100', 'increase(tcpscope_netstat_tcp_out_rsts_total[5m]) >= 100'],
  ['TcpOutRsts[5m] > 100', 'increase(tcpscope_netstat_tcp_out_rsts_total[5m]) > 100'],
  ['rate(TcpOutRsts[1m] offset 10s) > 60/m', 'rate(tcpscope_netstat_tcp_out_rsts_total[1m] offset 10s) > 1'],
  [
    'rate(events.resetsSent{reason="NO_SOCKET"}[1m]) > 0',
    'sum without(reason) (rate(tcpscope_resets_sent_total{reason="NO_SOCKET"}[1m])) > 0',
  ],
  ['rate(events.drops[1m]) > 0', 'sum without(reason) (rate(tcpscope_drops_total[1m])) > 0'],
  ['rate(events.synackRetrans[30s]) > 2/s', 'rate(tcpscope_synack_retransmits_total[30s]) > 2'],
  [
    'rate(transitions{to="CLOSE_WAIT"}[1m]) > 1/s',
    'sum without(from, to) (rate(tcpscope_transitions_total{to="CLOSE_WAIT"}[1m])) > 1',
  ],
  ['census.CLOSE_WAIT > 500', 'sum without(state) (tcpscope_sockets{state="CLOSE_WAIT"}) > 500'],
  [
    'avg(census.TIME_WAIT[5m]) > 0.9 * sysctl.net.ipv4.tcp_max_tw_buckets',
    'sum without(state) (avg_over_time(tcpscope_sockets{state="TIME_WAIT"}[5m])) > (0.9 * (sum without(name) (tcpscope_sysctl{name="net.ipv4.tcp_max_tw_buckets"})))',
  ],
  ['max(census.total[1m]) > 1000', 'max_over_time((sum without(state) (tcpscope_sockets))[1m:]) > 1000'],
  ['sockstat.TCP.tw > 100', 'sum without(name) (tcpscope_sockstat{name="TCP.tw"}) > 100'],
  [
    'listeners.maxFill > 90%',
    'max without(listener) (tcpscope_listener_queue{listener!="other"} / (tcpscope_listener_queue_capacity{listener!="other"} > 0)) > 0.9',
  ],
  [
    'listeners.atCapacity{port=8080} > 0',
    'sum without(listener) ((tcpscope_listener_queue{listener=~".*:8080"} >= bool tcpscope_listener_queue_capacity{listener=~".*:8080"}) * (tcpscope_listener_queue_capacity{listener=~".*:8080"} > bool 0)) > 0',
  ],
  [
    'listeners.queue{addr="127.0.0.1"} > 10',
    'sum without(listener) (tcpscope_listener_queue{listener=~"(127\\\\.0\\\\.0\\\\.1|\\\\[127\\\\.0\\\\.0\\\\.1\\\\]):[0-9]+"}) > 10',
  ],
  ['listeners.count == 0', 'tcpscope_listeners == 0'],
  [
    'finding(accept-queue-overflow)',
    'max without(id, severity) (tcpscope_finding_active{id="accept-queue-overflow"}) == 1',
  ],
  ['10 < census.ESTABLISHED', 'sum without(state) (tcpscope_sockets{state="ESTABLISHED"}) > 10'],
  ['not census.LISTEN > 0', 'sum without(state) (tcpscope_sockets{state="LISTEN"}) <= 0'],
  [
    'finding(syn-flood) and not (census.SYN_RECV < 10 or rate(TcpExtSyncookiesSent[1m]) == 0)',
    '(max without(id, severity) (tcpscope_finding_active{id="syn-flood"}) == 1) and ((sum without(state) (tcpscope_sockets{state="SYN_RECV"}) >= 10) and (rate(tcpscope_netstat_tcpext_syncookies_sent_total[1m]) != 0))',
  ],
  [
    'rate(TcpOutRsts[10s]) > max(5/s, 2/s, rate(TcpOutRsts[1m])) * 20',
    'rate(tcpscope_netstat_tcp_out_rsts_total[10s]) > ((clamp_min(rate(tcpscope_netstat_tcp_out_rsts_total[1m]), 5)) * 20)',
  ],
  [
    'min(rate(TcpOutRsts[1m]), rate(TcpAttemptFails[1m])) > 1/s',
    '((rate(tcpscope_netstat_tcp_out_rsts_total[1m])) <= (rate(tcpscope_netstat_tcp_attempt_fails_total[1m])) or (rate(tcpscope_netstat_tcp_attempt_fails_total[1m]))) > 1',
  ],
  ['-rate(TcpOutRsts[1m]) < -1/s', '-(rate(tcpscope_netstat_tcp_out_rsts_total[1m])) < -1'],
];

describe('alert expression → PromQL', () => {
  it.each(TRANSLATIONS)('%s', (flag, promql) => {
    expect(exprOf(flag)).toBe(promql);
  });

  it('every translation, the built-in rules and clauses load in the real promtool (check rules)', async () => {
    const rules = [
      ...builtinRules(),
      ...TRANSLATIONS.map(([flag], i) => parseAlertFlag(`t${i}: ${flag}`)),
      parseAlertFlag(
        'clauses: rate(TcpExtListenOverflows[1m]) > 5/s clear 1/s for 90s clear after 500ms cooldown 10m severity info',
      ),
    ];
    const text = toPrometheusRules(rules, { source: 'test' });
    const file = join(dir, 'all.yml');
    await writeFile(file, text);
    const r = await promtool(['check', 'rules', file]);
    expect(r.stdout + r.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.exitCode).toBe(0);
    const last = rulesOf(text).at(-1)!;
    expect(last).toMatchObject({ for: '1m30s', keep_firing_for: '10m', labels: { severity: 'info' } });
  });

  it.each([
    [
      'rate(TcpExtListenOverflows) > 10/s',
      'rate(TcpExtListenOverflows) has no window (tcpscope reads one interval, which Prometheus does not have): write rate(TcpExtListenOverflows[1m])',
    ],
    [
      'TcpExtListenOverflows > 0',
      'TcpExtListenOverflows alone is the count of one tcpscope interval, which Prometheus does not have: write delta(TcpExtListenOverflows[1m]) or rate(TcpExtListenOverflows[1m])',
    ],
    [
      'avg(TcpOutRsts[1m]) > 1',
      'avg(TcpOutRsts…) aggregates per-interval counts, which Prometheus does not have: use rate() or delta()',
    ],
    [
      'not finding(close-wait-leak)',
      'not finding(close-wait-leak): tcpscope_finding_active has no series before the finding first fires, so "not active" cannot be told from "never seen"',
    ],
    [
      'rate(events.synackRetrans{port=8080}[1m]) > 0',
      'events.synackRetrans{port=...}: tcpscope_synack_retransmits_total has no "port" label',
    ],
    ['TcpCurrEstab[1m] > 3', 'TcpCurrEstab is a level, not a counter, and is not exported'],
    ['1 > 0', 'the condition compares two constants (no metric)'],
  ])('refuses %s with the reason', (flag, reason) => {
    expect(() => toPrometheusRules([parseAlertFlag(`r: ${flag}`)])).toThrow(
      `cannot export alert "r" to Prometheus: ${reason}`,
    );
  });

  it('refuses clear after/cooldown for a Prometheus before 2.42, and duplicate names', () => {
    const rule = parseAlertFlag('r: rate(TcpOutRsts[1m]) > 1/s cooldown 5m');
    expect(() => toPrometheusRules([rule], { prometheusVersion: '2.41' })).toThrow(
      'cannot export alert "r" to Prometheus: "cooldown" needs keep_firing_for, which Prometheus 2.41 does not have (2.42 and later do)',
    );
    expect(
      rulesOf(
        toPrometheusRules([parseAlertFlag('r: rate(TcpOutRsts[1m]) > 1/s for 5s')], { prometheusVersion: '2.30' }),
      )[0]!.for,
    ).toBe('5s');
    expect(() => toPrometheusRules([rule, rule])).toThrow(/another rule has the same name/);
  });
});

/** Runs `promtool test rules` on the rules (annotations dropped: their templates are checked by check rules). */
async function promtoolTest(
  name: string,
  rulesText: string,
  tests: unknown[],
  evaluationInterval = '15s',
  keepAnnotations = false,
): Promise<{ exitCode: number; out: string }> {
  const doc = parse(rulesText) as { groups: { rules: PromRule[] }[] };
  if (!keepAnnotations) for (const r of doc.groups[0]!.rules) r.annotations = {};
  await writeFile(join(dir, `${name}.rules.yml`), stringify(doc));
  await writeFile(
    join(dir, `${name}.test.yml`),
    stringify({ rule_files: [`${name}.rules.yml`], evaluation_interval: evaluationInterval, tests }),
  );
  const r = await promtool(['test', 'rules', join(dir, `${name}.test.yml`)]);
  return { exitCode: r.exitCode, out: r.stdout + r.stderr };
}

const alertsAt = (eval_time: string, alertname: string, netns: string[], severity: string) => ({
  eval_time,
  alertname,
  exp_alerts: netns.map((n) => ({ exp_labels: { netns: n, severity } })),
});

describe('exported built-in rules under promtool test rules', () => {
  it('accept-queue overflows: per netns, hysteresis on the critical rule, keep_firing_for after it stops', async () => {
    const overflows = 'tcpscope_netstat_tcpext_listen_overflows_total';
    const { exitCode, out } = await promtoolTest('overflow', toPrometheusRules(builtinRules()), [
      {
        interval: '15s',
        input_series: [
          // web1: idle 5 min, 8/s for 2 min, 3/s for 5 min, then stops. web2: 3/s all along.
          { series: `${overflows}{netns="web1"}`, values: '0+0x20 0+120x8 960+45x20 1860+0x40' },
          { series: `${overflows}{netns="web2"}`, values: '0+45x91' },
        ],
        alert_rule_test: [
          alertsAt('4m', '1m_tcp_accept_queue_overflows', ['web2'], 'warning'),
          alertsAt('4m', '1m_tcp_accept_queue_overflows_critical', [], 'critical'),
          alertsAt('7m', '1m_tcp_accept_queue_overflows_critical', ['web1'], 'critical'),
          // 3/s is under the firing threshold (5/s) but over the clear threshold (1/s): web1 stays, web2 never fired.
          alertsAt('11m', '1m_tcp_accept_queue_overflows_critical', ['web1'], 'critical'),
          alertsAt('11m', '1m_tcp_accept_queue_overflows', ['web1', 'web2'], 'warning'),
          // Without hysteresis the critical rule would be false from ~7m45s and resolve 5m later (keep_firing_for);
          // with it, it holds until the overflows stop (12m30s: rate 0 from ~13m30s), then keeps firing for 5m.
          alertsAt('15m', '1m_tcp_accept_queue_overflows_critical', ['web1'], 'critical'),
          alertsAt('17m', '1m_tcp_accept_queue_overflows_critical', ['web1'], 'critical'),
          alertsAt('20m', '1m_tcp_accept_queue_overflows_critical', [], 'critical'),
          alertsAt('20m', '1m_tcp_accept_queue_overflows', ['web2'], 'warning'),
        ],
      },
    ]);
    expect(out).toContain('SUCCESS');
    expect(exitCode).toBe(0);
  });

  it('the same series without hysteresis would clear at 3/s: the test above can fail', async () => {
    const text = toPrometheusRules([
      parseAlertFlag('plain: rate(TcpExtListenOverflows[1m]) > 5/s clear after 5m severity critical'),
    ]);
    const { exitCode, out } = await promtoolTest('plain', text, [
      {
        interval: '15s',
        input_series: [
          {
            series: 'tcpscope_netstat_tcpext_listen_overflows_total{netns="web1"}',
            values: '0+0x20 0+120x8 960+45x20 1860+0x40',
          },
        ],
        alert_rule_test: [alertsAt('15m', 'plain', ['web1'], 'critical')],
      },
    ]);
    expect(exitCode).toBe(1);
    expect(out).toContain('FAILED');
  });

  // The Netdata-style reset rules compare the last 10 s with the minute before it, 10 s back: they need scrapes and
  // rule evaluation every few seconds (at 15 s the spike is in the baseline before the first evaluation sees it).
  it('reset storm against the minute before it, with for: 20s (1 s scrapes and evaluation)', async () => {
    const rsts = 'tcpscope_netstat_tcp_out_rsts_total';
    const { exitCode, out } = await promtoolTest(
      'resets',
      toPrometheusRules(builtinRules()),
      [
        {
          interval: '1s',
          input_series: [
            // 2/s for 2 min, then 300/s for 1 min (over 20 × max(5/s, 2/s) = 100/s).
            { series: `${rsts}{netns="web1"}`, values: '0+2x120 240+300x60' },
            { series: `${rsts}{netns="web2"}`, values: '0+2x180' },
          ],
          alert_rule_test: [
            alertsAt('2m5s', '10s_ip_tcp_resets_sent', [], 'warning'),
            alertsAt('2m15s', '10s_ip_tcp_resets_sent', [], 'warning'),
            alertsAt('2m50s', '10s_ip_tcp_resets_sent', ['web1'], 'warning'),
          ],
        },
      ],
      '1s',
    );
    expect(out).toContain('SUCCESS');
    expect(exitCode).toBe(0);
  });

  it('finding(...) with for: fires once the finding has been active that long', async () => {
    const text = toPrometheusRules([
      parseAlertFlag('overflow-finding: finding(accept-queue-overflow) for 30s severity critical'),
    ]);
    const { exitCode, out } = await promtoolTest('finding', text, [
      {
        interval: '15s',
        input_series: [
          {
            series: 'tcpscope_finding_active{netns="web1",id="accept-queue-overflow",severity="warning"}',
            values: '0 0 1 1 1 1 1 0 0',
          },
        ],
        alert_rule_test: [
          alertsAt('45s', 'overflow-finding', [], 'critical'),
          alertsAt('75s', 'overflow-finding', ['web1'], 'critical'),
          alertsAt('120s', 'overflow-finding', [], 'critical'),
        ],
      },
    ]);
    expect(out).toContain('SUCCESS');
    expect(exitCode).toBe(0);
  });

  it('annotations name the netns, and the container and pod when the series carry them', async () => {
    const text = toPrometheusRules([parseAlertFlag('aq: finding(accept-queue-overflow) severity critical')]);
    const series = 'tcpscope_finding_active{id="accept-queue-overflow",severity="warning"';
    const expr = 'aq: finding(accept-queue-overflow) severity critical'.slice(4);
    const { exitCode, out } = await promtoolTest(
      'annotations',
      text,
      [
        {
          interval: '15s',
          input_series: [
            { series: `${series},netns="web1",container="nginx",pod="web-0"}`, values: '1 1 1' },
            { series: `${series},netns="4026532001"}`, values: '1 1 1' },
          ],
          alert_rule_test: [
            {
              eval_time: '30s',
              alertname: 'aq',
              exp_alerts: [
                {
                  exp_labels: { netns: 'web1', container: 'nginx', pod: 'web-0', severity: 'critical' },
                  exp_annotations: {
                    summary: 'aq in netns web1 (container nginx) (pod web-0)',
                    description: `tcpscope rule aq: ${expr} (value 1, netns web1)`,
                    tcpscope_expr: expr,
                  },
                },
                {
                  exp_labels: { netns: '4026532001', severity: 'critical' },
                  exp_annotations: {
                    summary: 'aq in netns 4026532001',
                    description: `tcpscope rule aq: ${expr} (value 1, netns 4026532001)`,
                    tcpscope_expr: expr,
                  },
                },
              ],
            },
          ],
        },
      ],
      '15s',
      true,
    );
    expect(out).toContain('SUCCESS');
    expect(exitCode).toBe(0);
  });
});
