// connlat.bt's per-remote maps (captured on 6.18 in the host netns: 3 connects to 127.0.0.1:45999, 1 to [::1]:45998,
// 2 refused by 127.0.0.1:1) decoded exactly; the section's top list per netns ranks remotes by trouble and is bounded.
import { describe, expect, it } from 'vitest';
import { LatencyAccumulator } from '../../../../src/pipeline/latency.js';
import { emptyBatch } from '../../../../src/model/probe-batch.js';
import { REMOTE_TOP } from '../../../../src/model/latency.js';
import { splitBatch } from '../../../../src/pipeline/wholehost/split.js';
import type { RemoteConnectRow } from '../../../../src/model/latency-batch.js';
import { capturedLines, decodeLines } from './captured.js';

const NS = 4026531833;
const lines = capturedLines('connlat-remote-6.18.ndjson');

describe('per-remote connect rows', () => {
  it('decodes the captured maps: one interval holds every remote, IPv4 and IPv6, failures by errno', () => {
    const { batches, dec } = decodeLines(lines);
    expect(dec.stats.badLines).toBe(0);
    const withData = batches.filter((b) => (b.latency?.remote ?? []).length > 0);
    expect(withData).toHaveLength(1);
    const rows = withData[0]!.latency!.remote!.map(({ sumUs, maxUs, ...r }) => {
      // A remote that only refused has no completed connect, hence no latency.
      expect(maxUs > 0).toBe(r.count > 0);
      expect(maxUs * r.count).toBeGreaterThanOrEqual(sumUs);
      return r;
    });
    expect(rows).toEqual([
      { netns: NS, daddr: '127.0.0.1', dport: 1, count: 0, slow: 0, failed: { 111: 2 } },
      { netns: NS, daddr: '127.0.0.1', dport: 45999, count: 3, slow: 0, failed: {} },
      { netns: NS, daddr: '::1', dport: 45998, count: 1, slow: 0, failed: {} },
    ]);
    // The per-port histogram counts the same connects.
    const byPort = withData[0]!.latency!.connect.map((r) => [r.dport, r.count]);
    expect(byPort).toEqual([
      [45998, 1],
      [45999, 3],
    ]);
  });

  it('the section: session totals, failures by outcome, the refused remote first, then the slowest', () => {
    const { batches } = decodeLines(lines);
    const acc = new LatencyAccumulator();
    const sections = batches.map((b) => acc.add([b], NS));
    const busy = sections.find((s) => (s?.remotes ?? []).some((r) => r.interval.connects + r.interval.failed > 0))!;
    const [a, b] = busy.remotes!.slice(1).map((r) => r.interval.maxUs);
    expect(a).toBeGreaterThanOrEqual(b!);
    expect(busy.remotes!.map((r) => [r.daddr, r.dport, r.interval.connects, r.interval.failed]).sort()).toEqual([
      ['127.0.0.1', 1, 0, 2],
      ['127.0.0.1', 45999, 3, 0],
      ['::1', 45998, 1, 0],
    ]);
    expect(busy.remotes![0]!.dport).toBe(1);
    expect(busy.remotes![0]!.failedBy).toEqual({ refused: 2 });
    const last = sections.at(-1)!;
    // Quiet interval: the session's trouble, then its average latency, ranks.
    expect(last.remotes![0]!.dport).toBe(1);
    expect(
      last.remotes!.map((r) => [r.daddr, r.session.connects, r.session.failed, r.interval.connects]).sort(),
    ).toEqual([
      ['127.0.0.1', 0, 2, 0],
      ['127.0.0.1', 3, 0, 0],
      ['::1', 1, 0, 0],
    ]);
    expect(last.untrackedRemotes).toEqual([]);
  });

  it('older recordings (no per-remote maps) get no remotes field', () => {
    const old = lines.filter((l) => !/"@ra[a-z]?"/.test(l));
    const acc = new LatencyAccumulator();
    const sections = decodeLines(old).batches.map((b) => acc.add([b], NS));
    expect(sections.some((s) => s !== undefined)).toBe(true);
    for (const s of sections) expect(s === undefined || !('remotes' in s)).toBe(true);
  });

  it('top REMOTE_TOP per netns by slow + failed, then the largest latency; untracked connects counted', () => {
    const b = emptyBatch();
    const remote: RemoteConnectRow[] = Array.from({ length: 15 }, (_, i) => ({
      netns: 7,
      daddr: `198.18.0.${i + 1}`,
      dport: 8080,
      count: 4,
      sumUs: 4000 * (i + 1),
      maxUs: 1000 * (i + 1),
      slow: i === 3 ? 2 : 0,
      failed: (i === 9 ? { 110: 1 } : {}) as Record<number, number>,
    }));
    remote.push({ netns: 8, daddr: '2001:db8::2', dport: 443, count: 1, sumUs: 10, maxUs: 10, slow: 0, failed: {} });
    b.latency = { connect: [], failed: [], lifetime: [], rtt: [], remote, untracked: [{ netns: 7, count: 5 }] };
    const s = new LatencyAccumulator().add([b], undefined)!;
    const ns7 = s.remotes!.filter((r) => r.netns === 7);
    expect(ns7).toHaveLength(REMOTE_TOP);
    // 198.18.0.4 (2 slow) and .10 (1 timed out) tie on trouble 2 vs 1: .4 first; then by max latency.
    expect(ns7.slice(0, 4).map((r) => r.daddr)).toEqual(['198.18.0.4', '198.18.0.10', '198.18.0.15', '198.18.0.14']);
    expect(ns7[1]!.failedBy).toEqual({ 'timed-out': 1 });
    expect(s.remotes!.filter((r) => r.netns === 8).map((r) => r.daddr)).toEqual(['2001:db8::2']);
    expect(s.untrackedRemotes).toEqual([{ netns: 7, interval: 5, session: 5 }]);
    // Whole host: each netns's batch carries only its own remote rows.
    const parts = splitBatch(b);
    expect(parts.get(7)!.latency!.remote).toHaveLength(15);
    expect(parts.get(8)!.latency!.remote).toHaveLength(1);
    expect(parts.get(8)!.latency!.untracked).toEqual([]);
  });
});
