// The optional `latency` section of a Snapshot: per-interval and whole-session connect latency, failed connects,
// lifetimes and RTT, folded from the connlat.bt batches. Additive: snapshots without the probe simply lack it.
import type { ProbeBatch } from '../model/probe-batch.js';
import type { DurationRow } from '../model/latency-batch.js';
import { addBuckets, statsOf, type Log2Histogram } from '../model/latency-stats.js';
import {
  outcomeOf,
  type ConnectLatencyStat,
  type DurationStat,
  type FailedConnectStat,
  type LatencySection,
} from '../model/latency.js';
import { RemoteAccumulator } from './latency-remotes.js';

export { outcomeOf, type LatencySection };

interface Acc {
  buckets: Log2Histogram;
  sumUs: number;
  maxUs: number;
}
const acc = (): Acc => ({ buckets: {}, sumUs: 0, maxUs: 0 });
const pad = (n: number): string => String(n).padStart(10, '0');
const sortedValues = <T>(m: Map<string, T>): T[] =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);

/** Session state of the latency section; one per pipeline, fed in order, so replay equals live. */
export class LatencyAccumulator {
  private readonly connect = new Map<string, { netns: number; dport: number; s: Acc }>();
  private readonly failed = new Map<string, number>();
  private readonly lifetime = new Map<string, { row: Omit<DurationRow, 'count' | 'sumUs' | 'buckets'>; s: Acc }>();
  private readonly rtt = new Map<string, { row: Omit<DurationRow, 'count' | 'sumUs' | 'buckets'>; s: Acc }>();
  private readonly remotes = new RemoteAccumulator();
  private seen = false;

  /** The section for one interval's batches (netns undefined = every namespace), or undefined if the probe never ran. */
  add(batches: readonly ProbeBatch[], netns: number | undefined): LatencySection | undefined {
    const keep = (n: number): boolean => netns === undefined || n === netns;
    const iConnect = new Map<string, { a: Acc; synRetrans: Record<string, number> }>();
    const iFailed = new Map<string, FailedConnectStat & { sumUs: number }>();
    const iLife = new Map<string, Acc>();
    const iRtt = new Map<string, Acc>();
    for (const b of batches) {
      const l = b.latency;
      if (!l) continue;
      this.seen = true;
      for (const r of l.connect) {
        if (!keep(r.netns)) continue;
        const key = `${pad(r.netns)} ${pad(r.dport)}`;
        let s = this.connect.get(key);
        if (!s) this.connect.set(key, (s = { netns: r.netns, dport: r.dport, s: acc() }));
        let i = iConnect.get(key);
        if (!i) iConnect.set(key, (i = { a: acc(), synRetrans: {} }));
        for (const a of [s.s, i.a]) {
          addBuckets(a.buckets, r.buckets);
          a.sumUs += r.sumUs;
          a.maxUs = Math.max(a.maxUs, r.maxUs);
        }
        addBuckets(i.synRetrans, r.synRetrans);
      }
      for (const r of l.failed) {
        if (!keep(r.netns)) continue;
        const key = `${pad(r.netns)} ${pad(r.dport)} ${pad(r.errno)}`;
        this.failed.set(key, (this.failed.get(key) ?? 0) + r.count);
        let i = iFailed.get(key);
        if (!i)
          iFailed.set(
            key,
            (i = {
              netns: r.netns,
              dport: r.dport,
              outcome: outcomeOf(r.errno),
              errno: r.errno,
              count: 0,
              avgUs: 0,
              maxUs: 0,
              sessionCount: 0,
              sumUs: 0,
            }),
          );
        i.count += r.count;
        i.sumUs += r.sumUs;
        i.maxUs = Math.max(i.maxUs, r.maxUs);
      }
      this.durations(l.lifetime, keep, this.lifetime, iLife);
      this.durations(l.rtt, keep, this.rtt, iRtt);
      this.remotes.add(l, keep);
    }
    const remotes = this.remotes.take();
    if (!this.seen) return undefined;
    const connect = [...this.connect.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, s]): ConnectLatencyStat => {
        const i = iConnect.get(key);
        return {
          netns: s.netns,
          dport: s.dport,
          interval: statsOf(i?.a.buckets ?? {}, i?.a.sumUs ?? 0, i?.a.maxUs ?? 0),
          session: statsOf(s.s.buckets, s.s.sumUs, s.s.maxUs),
          synRetrans: i?.synRetrans ?? {},
        };
      });
    const failed = sortedValues(iFailed).map(({ sumUs, ...f }): FailedConnectStat => ({
      ...f,
      avgUs: f.count > 0 ? Math.round(sumUs / f.count) : 0,
      sessionCount: this.failed.get(`${pad(f.netns)} ${pad(f.dport)} ${pad(f.errno)}`) ?? f.count,
    }));
    const dur = (session: LatencyAccumulator['lifetime'], interval: Map<string, Acc>): DurationStat[] =>
      [...session.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, s]) => {
          const i = interval.get(key);
          return {
            ...s.row,
            interval: statsOf(i?.buckets ?? {}, i?.sumUs ?? 0, undefined),
            session: statsOf(s.s.buckets, s.s.sumUs, undefined),
          };
        });
    return { connect, failed, lifetime: dur(this.lifetime, iLife), rtt: dur(this.rtt, iRtt), ...remotes };
  }

  private durations(
    rows: readonly DurationRow[],
    keep: (n: number) => boolean,
    session: LatencyAccumulator['lifetime'],
    interval: Map<string, Acc>,
  ): void {
    for (const r of rows) {
      if (!keep(r.netns)) continue;
      const key = `${pad(r.netns)} ${r.direction} ${pad(r.port)}`;
      let s = session.get(key);
      if (!s) session.set(key, (s = { row: { netns: r.netns, direction: r.direction, port: r.port }, s: acc() }));
      let i = interval.get(key);
      if (!i) interval.set(key, (i = acc()));
      for (const a of [s.s, i]) {
        addBuckets(a.buckets, r.buckets);
        a.sumUs += r.sumUs;
      }
    }
  }
}
