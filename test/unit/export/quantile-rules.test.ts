// Latency quantile alerts exported to Prometheus: p50/p90/p99 of connectLatency/connectionLifetime/rtt become
// histogram_quantile() over the exporter's own `le` buckets. The input series are scrapes of the real exporter
// (createMetrics) over minutes of connects; Prometheus' engine (promtool test rules) must fire the rules tcpscope's
// own quantile says should fire, in the same log2 bucket, and promtool check rules must accept every translation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseAlertFlag } from '../../../src/alert/rule.js';
import { toPrometheusRules } from '../../../src/export/rules/prometheus-rules.js';
import { createMetrics } from '../../../src/export/metrics.js';
import { log2Of, quantileUs } from '../../../src/model/latency-stats.js';
import { histogramOf, latencySnapshots } from '../../helpers/latency.js';
import { promtool } from '../../helpers/promtool.js';
import { snap } from '../alert/snapshots.js';

const NS = 4026531840;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-quantile-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exprOf = (flag: string): string =>
  (parse(toPrometheusRules([parseAlertFlag(`r: ${flag}`)])) as { groups: { rules: { expr: string }[] }[] }).groups[0]!
    .rules[0]!.expr;

describe('latency alert expressions → PromQL', () => {
  it.each([
    [
      'p99(connectLatency{dport="5432"}[1m]) > 200ms',
      'histogram_quantile(0.99, sum without(dport) (rate(tcpscope_connect_latency_seconds_bucket{dport="5432"}[1m]))) * 1000 > 200',
    ],
    [
      'p50(rtt{direction="out",port="443"}[5m] offset 1m) > 1s',
      'histogram_quantile(0.5, sum without(port, direction) (rate(tcpscope_connection_rtt_seconds_bucket{direction="out",port="443"}[5m] offset 1m))) * 1000 > 1000',
    ],
    [
      'p90(connectionLifetime[10m]) < 50ms',
      'histogram_quantile(0.9, sum without(port, direction) (rate(tcpscope_connection_lifetime_seconds_bucket[10m]))) * 1000 < 50',
    ],
    [
      'rate(connectFailures{outcome="refused"}[1m]) > 1/s',
      'sum without(dport, outcome) (rate(tcpscope_connect_failures_total{outcome="refused"}[1m])) > 1',
    ],
    [
      'delta(connects{dport="80"}[5m]) > 0',
      'sum without(dport) (increase(tcpscope_connect_latency_seconds_count{dport="80"}[5m])) > 0',
    ],
  ])('%s', (flag, promql) => {
    expect(exprOf(flag)).toBe(promql);
  });

  it.each([
    [
      'p99(connectLatency{dport="5432"}) > 200ms',
      'p99(connectLatency{dport="5432"}) has no window (tcpscope reads one interval, which Prometheus does not have): write p99(connectLatency{dport="5432"}[1m])',
    ],
    [
      'max(connectLatency[1m]) > 1s',
      "max(connectLatency): the exported histogram has buckets, not the largest value (its top bucket's bound is no maximum): use p99(connectLatency[1m])",
    ],
    [
      'p99(connectLatency{netns="4026531840"}[1m]) > 1s',
      "connectLatency{netns=...}: the exported netns label is the namespace's name when it has one, not its inode: select it with a Prometheus label matcher instead",
    ],
  ])('refuses %s with the reason', (flag, reason) => {
    expect(() => toPrometheusRules([parseAlertFlag(`r: ${flag}`)])).toThrow(
      `cannot export alert "r" to Prometheus: ${reason}`,
    );
  });
});

/** Exporter scrapes, one per minute: each minute adds `perMinute[i]` connect latencies (µs) per remote port. */
async function scrapes(perMinute: Record<number, number[]>[]): Promise<Map<string, number[]>> {
  const m = createMetrics();
  const series = new Map<string, number[]>();
  const snaps = latencySnapshots(NS, perMinute, (i) => snap(i, { netns: { inode: NS, name: 'web1' } }, 60_000));
  for (const [i, s] of snaps.entries()) {
    m.update(s);
    for (const line of (await m.text()).split('\n')) {
      if (!line.startsWith('tcpscope_connect_latency_seconds_bucket{')) continue;
      const at = line.lastIndexOf(' ');
      const key = line.slice(0, at);
      const values = series.get(key) ?? Array.from({ length: i }, () => 0);
      values.push(Number(line.slice(at + 1)));
      series.set(key, values);
    }
  }
  return series;
}

describe('exported quantile rules under promtool', () => {
  it('fire where tcpscope’s own p99/p50 are, in the same log2 bucket, per port, and resolve when connects stop', async () => {
    // Port 8080: 90 connects ~1.02 s (one lost SYN) and 10 at ~3.05 s (two) per minute for 5 min, then none.
    // Port 5432: 100 healthy connects of 300 µs per minute all along.
    const slow = [
      ...Array.from({ length: 90 }, (_, i) => 1_010_000 + i * 200),
      ...Array.from({ length: 10 }, () => 3_050_000),
    ];
    const healthy = Array.from({ length: 100 }, () => 300);
    const minutes = Array.from({ length: 10 }, (_, i) => ({ 8080: i >= 1 && i <= 5 ? slow : [], 5432: healthy }));
    const series = await scrapes(minutes);
    // tcpscope's own quantiles of one minute of port 8080, and their log2 buckets [2^b, 2^(b+1)) µs.
    const hist = histogramOf(slow);
    const p99 = quantileUs(hist, 0.99);
    const p50 = quantileUs(hist, 0.5);
    const [lo99, hi99] = [2 ** log2Of(p99) / 1000, 2 ** (log2Of(p99) + 1) / 1000];
    const [lo50, hi50] = [2 ** log2Of(p50) / 1000, 2 ** (log2Of(p50) + 1) / 1000];
    expect([lo99, hi99]).toEqual([2097.152, 4194.304]);
    expect([lo50, hi50]).toEqual([524.288, 1048.576]);
    const sel = 'connectLatency{dport="8080"}[1m]';
    const rules = [
      `p99InBucket: p99(${sel}) > ${lo99}ms and p99(${sel}) <= ${hi99}ms for 1m`,
      `p50InBucket: p50(${sel}) > ${lo50}ms and p50(${sel}) <= ${hi50}ms`,
      // The same thresholds one log2 bucket up: must not fire (the test can fail).
      `p99Above: p99(${sel}) > ${hi99}ms`,
      `p50Above: p50(${sel}) > ${hi50}ms`,
      // Any port: the healthy 5432 alone never crosses 1 ms.
      'slowHealthy: p99(connectLatency{dport="5432"}[1m]) > 1ms',
      'p99Any: p99(connectLatency[1m]) > 2s severity critical',
    ].map((r) => parseAlertFlag(r));
    const text = toPrometheusRules(rules, { source: 'test' });
    const file = join(dir, 'q.rules.yml');
    await writeFile(file, text);
    const check = await promtool(['check', 'rules', file]);
    expect(check.stdout + check.stderr).toContain(`SUCCESS: ${rules.length} rules found`);

    const doc = parse(text) as { groups: { rules: { annotations: unknown }[] }[] };
    for (const r of doc.groups[0]!.rules) r.annotations = {};
    await writeFile(file, stringify(doc));
    const at = (eval_time: string, alertname: string, firing: boolean, severity = 'warning') => ({
      eval_time,
      alertname,
      exp_alerts: firing ? [{ exp_labels: { netns: 'web1', severity } }] : [],
    });
    await writeFile(
      join(dir, 'q.test.yml'),
      stringify({
        rule_files: ['q.rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [...series].map(([s, v]) => ({ series: s, values: v.join(' ') })),
            alert_rule_test: [
              at('1m', 'p99InBucket', false),
              // rate() over [1m] sees minutes 1..5; `for 1m` holds from 2m on.
              at('3m', 'p99InBucket', true),
              at('3m', 'p50InBucket', true),
              at('3m', 'p99Above', false),
              at('3m', 'p50Above', false),
              at('3m', 'slowHealthy', false),
              at('3m', 'p99Any', true, 'critical'),
              at('8m', 'p99InBucket', false),
              at('8m', 'p99Any', false, 'critical'),
            ],
          },
        ],
      }),
    );
    const r = await promtool(['test', 'rules', join(dir, 'q.test.yml')]);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.exitCode).toBe(0);
  });
});
