// connlat.bt output (captured on 6.18: 3 connects to :5432 held 0.2 s, 2 refused connects to :1) decoded exactly,
// the session section built from it, and the log2 histogram arithmetic the sinks rely on.
import { describe, expect, it } from 'vitest';
import { LatencyAccumulator, outcomeOf } from '../../../../src/pipeline/latency.js';
import {
  bucketHighUs,
  bucketLowUs,
  bucketOf,
  cumulativeLe,
  log2Of,
  quantileUs,
  statsOf,
} from '../../../../src/model/latency-stats.js';
import { capturedLines, decodeLines } from './captured.js';

const lines = capturedLines('connlat-6.18.ndjson');
const NS = 4026532177;

describe('connlat decoding', () => {
  it('the interval with the traffic holds every connect, failure, lifetime and RTT sample; later ones none', () => {
    const { batches, dec } = decodeLines(lines);
    expect(dec.stats.badLines).toBe(0);
    const withData = batches.filter((b) => b.latency && (b.latency.connect.length > 0 || b.latency.failed.length > 0));
    expect(withData).toHaveLength(1);
    const l = withData[0]!.latency!;
    expect(l.connect).toEqual([
      { netns: NS, dport: 5432, count: 3, sumUs: 192, maxUs: 182, buckets: { 8: 1, 10: 1, 29: 1 }, synRetrans: {} },
    ]);
    expect(l.failed).toEqual([{ netns: NS, dport: 1, errno: 111, count: 2, sumUs: 99, maxUs: 70 }]);
    expect(l.lifetime.map((r) => [r.direction, r.port, r.count, r.buckets])).toEqual([
      ['in', 5432, 3, { 70: 3 }],
      ['out', 5432, 3, { 70: 3 }],
    ]);
    expect(l.rtt.map((r) => [r.direction, r.count, r.sumUs])).toEqual([
      ['in', 3, 37],
      ['out', 3, 38],
    ]);
    // Cumulative maps: later intervals repeat the totals, which difference to nothing.
    for (const b of batches.slice(batches.indexOf(withData[0]!) + 1)) expect(b.latency?.connect ?? []).toEqual([]);
  });

  it('the session section: interval and session stats, outcome names, netns filter', () => {
    const { batches } = decodeLines(lines);
    const acc = new LatencyAccumulator();
    const sections = batches.map((b) => acc.add([b], NS));
    const last = sections.at(-1)!;
    expect(last.connect[0]!.session).toMatchObject({ count: 3, sumUs: 192, maxUs: 182 });
    expect(last.connect[0]!.interval.count).toBe(0);
    expect(last.failed).toEqual([]); // no failure in the last interval
    const withFail = sections.find((s) => s && s.failed.length > 0)!;
    expect(withFail.failed).toEqual([
      { netns: NS, dport: 1, outcome: 'refused', errno: 111, count: 2, avgUs: 50, maxUs: 70, sessionCount: 2 },
    ]);
    expect(new LatencyAccumulator().add(batches, 1)).toEqual({ connect: [], failed: [], lifetime: [], rtt: [] });
    expect(new LatencyAccumulator().add([{ ...batches[0]!, latency: undefined }], undefined)).toBeUndefined();
    expect([111, 110, 113, 0, 104].map(outcomeOf)).toEqual([
      'refused',
      'timed-out',
      'unreachable',
      'aborted',
      'error-104',
    ]);
  });

  it('a peak lost between print and clear is never below the top bucket', () => {
    const noPeak = lines.filter((l) => !l.includes('"@clx"'));
    const l = decodeLines(noPeak).batches.find((b) => (b.latency?.connect.length ?? 0) > 0)!.latency!;
    expect(l.connect[0]!.maxUs).toBe(bucketLowUs(29)); // 160 µs: [160, 192)
  });

  it('keys are 4 sub-buckets per power of two, as the probe computes them', () => {
    expect([0, 1, 2, 3, 4, 5, 7, 8, 10, 182, 1_005_689, 3_049_551].map(bucketOf)).toEqual([
      0, 0, 4, 4, 8, 9, 11, 12, 13, 29, 79, 85,
    ]);
    expect([bucketLowUs(79), bucketHighUs(79)]).toEqual([917_504, 1_048_576]);
    expect(log2Of(1_005_689)).toBe(bucketOf(1_005_689) >> 2);
    for (const us of [0, 1, 3, 17, 1000, 999_999, 2 ** 20, 123_456_789]) {
      expect(bucketLowUs(bucketOf(us))).toBeLessThanOrEqual(us);
      expect(bucketHighUs(bucketOf(us))).toBeGreaterThan(us);
    }
  });

  it("quantiles stay in the true value's bucket and never exceed the max; le buckets are cumulative", () => {
    const h = { [bucketOf(1_005_000)]: 90, [bucketOf(2_010_000)]: 9, [bucketOf(3_050_000)]: 1 };
    const s = statsOf(h, 0, 3_050_000);
    expect(bucketOf(s.p50Us)).toBe(bucketOf(1_005_000));
    expect(bucketOf(s.p90Us)).toBe(bucketOf(1_005_000));
    expect(bucketOf(s.p99Us)).toBe(bucketOf(2_010_000));
    expect(quantileUs(h, 1, 3_050_000)).toBe(3_050_000);
    expect(quantileUs({}, 0.5)).toBe(0);
    const le = cumulativeLe(h);
    expect(le.find((b) => b.le === 1.048576)!.count).toBe(90);
    expect(le.at(-1)!.count).toBe(100);
    expect(statsOf({ 70: 3 }, 600_000, undefined).maxUs).toBe(bucketHighUs(70));
  });
});
