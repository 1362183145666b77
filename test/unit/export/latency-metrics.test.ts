// Latency histograms in the Prometheus exposition: `le` buckets in seconds, cumulative, _sum/_count, failures by
// outcome, bounded ports; Prometheus itself (promtool) accepts the text and histogram_quantile() lands in the bucket.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/export/metrics.js';
import { bucketOf } from '../../../src/model/latency-stats.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { latencySnapshots, type SamplesByPort } from '../../helpers/latency.js';
import { snap } from '../alert/snapshots.js';

const NS = 4026531840;

function snapshots(perInterval: SamplesByPort[], failed = 0): Snapshot[] {
  return latencySnapshots(NS, perInterval, snap, () => ({
    failed: failed ? [{ netns: NS, dport: 5432, errno: 110, count: failed, sumUs: 3e6 * failed, maxUs: 3e6 }] : [],
    lifetime: [{ netns: NS, direction: 'in', port: 8080, count: 2, sumUs: 2e6, buckets: { [bucketOf(1e6)]: 2 } }],
    rtt: [{ netns: NS, direction: 'out', port: 5432, count: 2, sumUs: 100_000, buckets: { [bucketOf(50_000)]: 2 } }],
  }));
}

const line = (text: string, prefix: string): number => {
  const l = text.split('\n').find((x) => x.startsWith(prefix + ' '));
  if (l === undefined) throw new Error(`no line ${prefix}`);
  return Number(l.slice(prefix.length + 1));
};

describe('latency metrics', () => {
  it('cumulative le buckets, _sum and _count from the whole session; failures by outcome', async () => {
    const m = createMetrics();
    for (const s of snapshots([{ 5432: [150, 1_020_000] }, { 5432: [1_030_000], 80: [300] }], 1)) m.update(s);
    const text = await m.text();
    expect(text).toContain('# TYPE tcpscope_connect_latency_seconds histogram');
    const b = (le: string, port = 5432): number =>
      line(text, `tcpscope_connect_latency_seconds_bucket{netns="${NS}",dport="${port}",le="${le}"}`);
    expect(b('0.000256')).toBe(1);
    expect(b('0.524288')).toBe(1);
    expect(b('1.048576')).toBe(3);
    expect(b('+Inf')).toBe(3);
    expect(line(text, `tcpscope_connect_latency_seconds_count{netns="${NS}",dport="5432"}`)).toBe(3);
    expect(line(text, `tcpscope_connect_latency_seconds_sum{netns="${NS}",dport="5432"}`)).toBeCloseTo(2.05015, 5);
    expect(b('+Inf', 80)).toBe(1);
    expect(line(text, `tcpscope_connect_failures_total{netns="${NS}",dport="5432",outcome="timed-out"}`)).toBe(2);
    expect(line(text, `tcpscope_connection_lifetime_seconds_count{netns="${NS}",direction="in",port="8080"}`)).toBe(4);
    expect(
      line(text, `tcpscope_connection_rtt_seconds_bucket{netns="${NS}",direction="out",port="5432",le="0.065536"}`),
    ).toBe(4);
  });

  it('bounds ports per netns: later ones are summed as port "other"', async () => {
    const ports: Record<number, number[]> = {};
    for (let p = 1000; p < 1060; p++) ports[p] = [100];
    const m = createMetrics();
    for (const s of snapshots([ports])) m.update(s);
    const text = await m.text();
    expect(line(text, `tcpscope_connect_latency_seconds_count{netns="${NS}",dport="other"}`)).toBe(10);
    expect(text.match(/^tcpscope_connect_latency_seconds_count/gm)).toHaveLength(51);
  });

  it('promtool accepts the exposition and histogram_quantile() falls in the right bucket', async () => {
    const m = createMetrics();
    const slow = Array.from({ length: 90 }, () => 1_005_000);
    for (const s of snapshots([{ 5432: [...slow, ...Array.from({ length: 10 }, () => 3_050_000)] }])) m.update(s);
    const text = await m.text();
    const check = await execa('promtool', ['check', 'metrics'], { input: text, reject: false });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    // Feed the exported bucket values to Prometheus' own PromQL engine (promtool test rules) and check the quantiles.
    const buckets = text.split('\n').filter((l) => l.startsWith('tcpscope_connect_latency_seconds_bucket{'));
    const dir = mkdtempSync(join(tmpdir(), 'tcpscope-prom-'));
    try {
      writeFileSync(
        join(dir, 'rules.yml'),
        [
          'groups:',
          '- name: t',
          '  rules:',
          '  - alert: P50InOneSecondBucket',
          '    expr: histogram_quantile(0.5, tcpscope_connect_latency_seconds_bucket{dport="5432"}) > 0.524288 and histogram_quantile(0.5, tcpscope_connect_latency_seconds_bucket{dport="5432"}) <= 1.048576',
          '  - alert: P99InFourSecondBucket',
          '    expr: histogram_quantile(0.99, tcpscope_connect_latency_seconds_bucket{dport="5432"}) > 2.097152 and histogram_quantile(0.99, tcpscope_connect_latency_seconds_bucket{dport="5432"}) <= 4.194304',
          '',
        ].join('\n'),
      );
      const series = buckets.map((l) => {
        const i = l.lastIndexOf(' ');
        return `      - series: '${l.slice(0, i)}'\n        values: '${l.slice(i + 1)}x2'`;
      });
      const labels = `          labels: { alertname: NAME, netns: "${NS}", dport: "5432" }`;
      writeFileSync(
        join(dir, 'test.yml'),
        [
          'rule_files: [rules.yml]',
          'evaluation_interval: 1m',
          'tests:',
          '  - interval: 1m',
          '    input_series:',
          ...series,
          '    alert_rule_test:',
          '      - eval_time: 1m',
          '        alertname: P50InOneSecondBucket',
          '        exp_alerts:',
          '        - exp_labels: { netns: "' + NS + '", dport: "5432" }',
          '      - eval_time: 1m',
          '        alertname: P99InFourSecondBucket',
          '        exp_alerts:',
          '        - exp_labels: { netns: "' + NS + '", dport: "5432" }',
          '',
        ]
          .join('\n')
          .replace(labels, ''),
      );
      const r = await execa('promtool', ['test', 'rules', join(dir, 'test.yml')], { reject: false });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
