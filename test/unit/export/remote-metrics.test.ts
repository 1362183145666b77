// Per-remote connect counters in the Prometheus exposition: only the section's top 10 remotes per netns have series
// (bounded), values are session totals, promtool accepts the text, and forget(netns) removes every latency series.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/export/metrics.js';
import { emptyBatch } from '../../../src/model/probe-batch.js';
import type { RemoteConnectRow } from '../../../src/model/latency-batch.js';
import { LatencyAccumulator } from '../../../src/pipeline/latency.js';
import { bucketOf } from '../../../src/model/latency-stats.js';
import { checkMetrics } from '../../helpers/promtool.js';
import { snap } from '../alert/snapshots.js';

const NS = 4026531840;

function remoteRow(i: number, slow: number, failed: number): RemoteConnectRow {
  return {
    netns: NS,
    daddr: i < 20 ? `198.18.1.${i}` : `2001:db8::${i}`,
    dport: 8080,
    count: 2,
    sumUs: 2_000_000 + i,
    maxUs: 1_900_000,
    slow,
    failed: failed ? { 110: failed } : {},
  };
}

describe('per-remote connect metrics', () => {
  it('top 10 remotes per netns by trouble, session totals, promtool-clean; forget removes the netns', async () => {
    const m = createMetrics();
    const acc = new LatencyAccumulator();
    for (let t = 0; t < 2; t++) {
      const b = emptyBatch();
      b.latency = {
        connect: [
          {
            netns: NS,
            dport: 8080,
            count: 50,
            sumUs: 5e7,
            maxUs: 1_900_000,
            buckets: { [bucketOf(1_000_000)]: 50 },
            synRetrans: { 1: 3 },
          },
        ],
        failed: [],
        lifetime: [],
        rtt: [],
        // 25 remotes; 198.18.1.3 is slow, 2001:db8::21 times out, the rest are healthy.
        remote: Array.from({ length: 25 }, (_, i) => remoteRow(i, i === 3 ? 1 : 0, i === 21 ? 1 : 0)),
        untracked: [],
      };
      const s = snap(t, { netns: { inode: NS, name: 'web1' } });
      s.latency = acc.add([b], NS);
      m.update(s);
    }
    const text = await m.text();
    const lines = text.split('\n').filter((l) => l.startsWith('tcpscope_connect_remote_connects_total{'));
    expect(lines).toHaveLength(10);
    expect(text).toContain('tcpscope_connect_remote_slow_total{netns="web1",remote="198.18.1.3",dport="8080"} 2');
    expect(text).toContain('tcpscope_connect_remote_failures_total{netns="web1",remote="2001:db8::21",dport="8080"} 2');
    expect(text).toContain('tcpscope_connect_remote_connects_total{netns="web1",remote="198.18.1.3",dport="8080"} 4');
    expect(text).toMatch(
      /tcpscope_connect_remote_latency_seconds_total\{netns="web1",remote="198\.18\.1\.3",dport="8080"\} 4\.0000\d+/,
    );
    const check = await checkMetrics(text);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    await m.forget('web1');
    const after = await m.text();
    expect(after).not.toMatch(/^tcpscope_connect_(remote|latency|failures)\S*\{netns="web1"/m);
  });
});
