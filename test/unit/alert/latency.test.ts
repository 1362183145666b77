// Latency alerts: p50/p90/p99/max of connectLatency (and lifetime / rtt), durations compared in ms, `for`, errors.
import { describe, expect, it } from 'vitest';
import { createAlertEngine } from '../../../src/alert/engine.js';
import { compileRule, metricScope } from '../../../src/alert/rule.js';
import { parseCondition } from '../../../src/alert/parser.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { latencySnapshots, type SamplesByPort } from '../../helpers/latency.js';
import { snap } from './snapshots.js';

const NS = 4026531840;

/** Snapshots whose latency section comes from the real accumulator: per interval, connect latencies (µs) per dport. */
function withLatency(intervals: SamplesByPort[], failed: Record<number, number>[] = []): Snapshot[] {
  return latencySnapshots(NS, intervals, snap, (i) => ({
    failed: Object.entries(failed[i] ?? {}).map(([dport, n]) => ({
      netns: NS,
      dport: Number(dport),
      errno: 111,
      count: n,
      sumUs: 100 * n,
      maxUs: 100,
    })),
  }));
}

function trace(expr: string, snaps: Snapshot[]): string[] {
  const engine = createAlertEngine([compileRule({ name: 'r', expr })]);
  return snaps.flatMap((s) => engine.evaluate(s).map((e) => `${s.seq}:${e.state}:${Math.round(e.value)}`));
}

const slow = [1_020_000, 1_030_000, 1_010_000];
const fast = [150, 200, 180];

describe('latency alerts', () => {
  it('p99(connectLatency{dport="5432"}) > 200ms for 3s fires after 3 s of slow connects and resolves on fast ones', () => {
    const snaps = withLatency([
      { 5432: fast },
      { 5432: slow },
      { 5432: slow, 80: fast },
      { 5432: slow },
      { 5432: slow },
      { 5432: fast },
      {},
    ]);
    expect(trace('p99(connectLatency{dport="5432"}) > 200ms for 3s', snaps)).toEqual(['3:firing:1030', '5:resolved:0']);
    // Another port's slow connects are not this alert's business; 80 is fast.
    expect(trace('p99(connectLatency{dport="80"}) > 200ms', snaps)).toEqual([]);
  });

  it('p50, p90 and max in ms, windows merge the histograms, an interval without connects is no value', () => {
    const snaps = withLatency([{ 5432: [...fast, ...fast, 3_050_000] }, {}]);
    // The interval without connects has no latency (NaN): the comparison is false and the alert resolves.
    expect(trace('max(connectLatency) > 3s', snaps)).toEqual(['0:firing:3050', '1:resolved:NaN']);
    expect(trace('p50(connectLatency{dport="5432"}) < 1ms', snaps.slice(0, 1))).toEqual(['0:firing:0']);
    // The 2 s window still holds the slow interval: 3 of 6 connects slow, p90 slow; it resolves when they leave it.
    expect(
      trace('p90(connectLatency[2s]) > 1s', withLatency([{ 5432: slow }, { 5432: fast }, { 5432: fast }])),
    ).toEqual(['0:firing:1030', '2:resolved:0']);
  });

  it('connects and connectFailures are counters (rate works)', () => {
    const snaps = withLatency([{ 5432: fast }, { 5432: fast }], [{}, { 1: 4 }]);
    expect(trace('rate(connectFailures{outcome="refused"}) > 1/s', snaps)).toEqual(['1:firing:4']);
    expect(trace('connects{dport="5432"} >= 3', snaps)).toEqual(['0:firing:3']);
  });

  it('errors name the column and the fix', () => {
    const scope = metricScope();
    const err = (src: string): string => {
      try {
        parseCondition(src, scope);
        return 'parsed';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err('connectLatency > 200ms')).toMatch(/latency histogram: use p50\(\), p90\(\), p99\(\) or max\(\)/);
    expect(err('rate(connectLatency) > 1')).toMatch(/latency histogram/);
    expect(err('p99(TcpExtListenOverflows) > 1')).toMatch(/p99\(\) takes a latency histogram/);
    expect(err('p99(connectLatency{port="5432"}) > 1')).toMatch(/unknown label "port"/);
    expect(err('p99(connectLatency{dport="x"}) > 1')).toMatch(/not a number/);
    expect(err('rtt{direction="up"} > 1')).toMatch(/direction/);
    expect(err('TcpExtListenOverflows > 200ms')).toMatch(/duration/); // durations only compare with a latency
    expect(err('p99(rtt{port="8080",direction="out"}[1m]) > 60ms clear 40ms')).toBe('parsed');
  });
});
