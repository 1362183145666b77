// The connect-latency panel and the compact summary line, on a latency section built by the real accumulator.
import { describe, expect, it } from 'vitest';
import { emptyBatch } from '../../../src/model/probe-batch.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { LatencyAccumulator } from '../../../src/pipeline/latency.js';
import { connectSummary, fmtLatency, latencyLines, octaveBars } from '../../../src/ui/model/latency.js';
import { layoutCells } from '../../../src/ui/model/layout.js';
import { toPlain } from '../../../src/ui/model/markup.js';
import { latencySnapshots, type SamplesByPort } from '../../helpers/latency.js';
import { snap } from '../alert/snapshots.js';
import { watchLine } from '../../../src/cli/watch-line.js';

const NS = 4026531840;

function withLatency(byPort: SamplesByPort, failed = 0): Snapshot {
  const [s] = latencySnapshots(NS, [byPort], snap, () => ({
    failed: failed ? [{ netns: NS, dport: 8081, errno: 111, count: failed, sumUs: 114 * failed, maxUs: 467 }] : [],
    lifetime: [{ netns: NS, direction: 'out', port: 5432, count: 20, sumUs: 574_232, buckets: { 56: 9, 60: 11 } }],
    rtt: [{ netns: NS, direction: 'out', port: 5432, count: 20, sumUs: 238, buckets: { 12: 20 } }],
  }));
  return s!;
}

describe('latency panel', () => {
  it('formats latencies for a glance', () => {
    expect([182, 1500, 12_300, 1_024_005, 131_000_000].map(fmtLatency)).toEqual([
      '182µs',
      '1.5ms',
      '12ms',
      '1.02s',
      '131.0s',
    ]);
    expect(octaveBars({ 29: 1, 79: 6 })).toMatchObject({ from: 128, to: 1_048_576 });
  });

  it('lists ports slowest first with percentiles, a histogram per port, failures, lifetime and RTT', () => {
    const s = withLatency({ 5432: [1_005_528, 1_005_536, 1_024_005], 80: [150, 200] }, 10);
    const text = latencyLines(s, { width: 90, height: 12 }).map(toPlain);
    expect(text[0]).toMatch(/^connect to\s+n\s+p50\s+p90\s+p99\s+max$/);
    expect(text[1]).toMatch(/^:5432\s+3\s+\S+\s+1\.0\ds\s+1\.02s\s+1\.02s █ 524ms–1\.05s$/);
    expect(text[2]).toMatch(/^:80\s+2\s/);
    expect(text[3]).toBe(':8081      refused 10 (session 10) after 114µs avg, 467µs max');
    expect(text.some((l) => l.startsWith('lifetime out :5432'))).toBe(true);
    expect(text.some((l) => l.startsWith('rtt out :5432'))).toBe(true);
    expect(latencyLines(snap(0), { width: 90, height: 5 }).map(toPlain)).toEqual([
      'no latency data (connlat probe not loaded)',
    ]);
  });

  it("the compact layout shows the slowest port's p99 in one line; the full layout has the panel", () => {
    expect(
      connectSummary(withLatency({ 5432: [1_005_528], 80: [150] }, 2))!
        .map((x) => x.text)
        .join(''),
    ).toBe('connect p99 1.01s :5432 failed 2');
    expect(connectSummary(snap(0))).toBeUndefined();
    expect(layoutCells('full', true).map((c) => c.id)).toContain('latency');
    expect(layoutCells('compact', true).map((c) => c.id)).not.toContain('latency');
  });

  it('names the remotes with slow or failed connects, worst first, in the panel and in the watch line', () => {
    const s = withLatency({ 8080: [1_005_000, 2_010_000, 300], 443: [200] });
    const b = emptyBatch();
    b.latency = {
      connect: [],
      failed: [],
      lifetime: [],
      rtt: [],
      remote: [
        {
          netns: NS,
          daddr: '198.18.0.2',
          dport: 8080,
          count: 3,
          sumUs: 3_015_300,
          maxUs: 2_010_000,
          slow: 2,
          failed: {},
        },
        { netns: NS, daddr: '2001:db8::9', dport: 443, count: 1, sumUs: 200, maxUs: 200, slow: 0, failed: {} },
        { netns: NS, daddr: '198.18.0.4', dport: 8081, count: 0, sumUs: 0, maxUs: 0, slow: 0, failed: { 111: 4 } },
      ],
      untracked: [],
    };
    s.latency = { ...s.latency!, ...new LatencyAccumulator().add([b], NS)!, connect: s.latency!.connect };
    const text = latencyLines(s, { width: 90, height: 12 }).map(toPlain);
    const remotes = text.filter((l) => l.startsWith('→'));
    expect(remotes).toEqual([
      '→ 198.18.0.4:8081        slow 0 failed 4 of 4',
      '→ 198.18.0.2:8080        slow 2 failed 0 of 3  avg 1.01s max 2.01s',
    ]);
    expect(watchLine(s)).toContain('| connect 4 p99 2.01s :8080 | slow remote 198.18.0.4:8081 0 slow 4 failed of 4');
    // A short panel keeps the port rows first.
    expect(
      latencyLines(s, { width: 90, height: 3 })
        .map(toPlain)
        .filter((l) => l.startsWith('→')),
    ).toHaveLength(0);
  });
});
