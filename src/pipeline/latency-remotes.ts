// The per-remote part of the latency section: session totals per (netns, remote address, remote port) from the
// kernel's bounded per-remote maps, and the top REMOTE_TOP remotes per netns by trouble ("which remote is slow").
import type { LatencyBatch } from '../model/latency-batch.js';
import { outcomeOf, REMOTE_TOP, type RemoteConnectStat, type RemoteTally } from '../model/latency.js';

/** Session rows kept at most (the kernel admits 256 remotes per bpftrace run; restarts may admit others). */
export const MAX_SESSION_REMOTES = 4096;

interface Sums {
  connects: number;
  sumUs: number;
  maxUs: number;
  slow: number;
  failed: number;
}
const zero = (): Sums => ({ connects: 0, sumUs: 0, maxUs: 0, slow: 0, failed: 0 });
const tally = (s: Sums): RemoteTally => ({
  connects: s.connects,
  avgUs: s.connects > 0 ? Math.round(s.sumUs / s.connects) : 0,
  maxUs: s.maxUs,
  slow: s.slow,
  failed: s.failed,
});
const trouble = (t: RemoteTally): number => t.slow + t.failed;

export class RemoteAccumulator {
  private readonly session = new Map<string, { netns: number; daddr: string; dport: number; s: Sums }>();
  private readonly untrackedSession = new Map<number, number>();
  private seen = false;
  private interval = new Map<string, { s: Sums; failedBy: RemoteConnectStat['failedBy'] }>();
  private untrackedInterval = new Map<number, number>();

  add(l: LatencyBatch, keep: (netns: number) => boolean): void {
    if (l.remote === undefined && l.untracked === undefined) return;
    this.seen = true;
    for (const r of l.remote ?? []) {
      if (!keep(r.netns)) continue;
      const key = `${r.netns} ${r.daddr} ${r.dport}`;
      const failed = Object.values(r.failed).reduce((t, c) => t + c, 0);
      let s = this.session.get(key);
      if (!s && this.session.size >= MAX_SESSION_REMOTES) {
        this.untracked(r.netns, r.count + failed);
        continue;
      }
      if (!s) this.session.set(key, (s = { netns: r.netns, daddr: r.daddr, dport: r.dport, s: zero() }));
      let i = this.interval.get(key);
      if (!i) this.interval.set(key, (i = { s: zero(), failedBy: {} }));
      for (const a of [s.s, i.s]) {
        a.connects += r.count;
        a.sumUs += r.sumUs;
        a.maxUs = Math.max(a.maxUs, r.maxUs);
        a.slow += r.slow;
        a.failed += failed;
      }
      for (const [err, c] of Object.entries(r.failed)) {
        const o = outcomeOf(Number(err));
        i.failedBy[o] = (i.failedBy[o] ?? 0) + c;
      }
    }
    for (const u of l.untracked ?? []) if (keep(u.netns)) this.untracked(u.netns, u.count);
  }

  private untracked(netns: number, n: number): void {
    this.untrackedInterval.set(netns, (this.untrackedInterval.get(netns) ?? 0) + n);
    this.untrackedSession.set(netns, (this.untrackedSession.get(netns) ?? 0) + n);
  }

  /** The interval's part of the section (then the interval starts over), or undefined before any per-remote data. */
  take():
    | { remotes: RemoteConnectStat[]; untrackedRemotes: { netns: number; interval: number; session: number }[] }
    | undefined {
    const interval = this.interval;
    const untrackedInterval = this.untrackedInterval;
    this.interval = new Map();
    this.untrackedInterval = new Map();
    if (!this.seen) return undefined;
    const all = [...this.session.entries()].map(([key, s]): RemoteConnectStat => {
      const i = interval.get(key);
      return {
        netns: s.netns,
        daddr: s.daddr,
        dport: s.dport,
        interval: tally(i?.s ?? zero()),
        session: tally(s.s),
        failedBy: i?.failedBy ?? {},
      };
    });
    all.sort(
      (a, b) =>
        a.netns - b.netns ||
        trouble(b.interval) - trouble(a.interval) ||
        b.interval.maxUs - a.interval.maxUs ||
        trouble(b.session) - trouble(a.session) ||
        b.session.avgUs - a.session.avgUs ||
        (a.daddr < b.daddr ? -1 : a.daddr > b.daddr ? 1 : a.dport - b.dport),
    );
    const perNetns = new Map<number, number>();
    const remotes = all.filter((r) => {
      const n = perNetns.get(r.netns) ?? 0;
      perNetns.set(r.netns, n + 1);
      return n < REMOTE_TOP;
    });
    const untrackedRemotes = [...this.untrackedSession.entries()]
      .sort(([a], [b]) => a - b)
      .map(([netns, session]) => ({ netns, interval: untrackedInterval.get(netns) ?? 0, session }));
    return { remotes, untrackedRemotes };
  }
}
