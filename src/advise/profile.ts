// Folds a session's snapshots into one workload profile per netns: the measured numbers every piece of advice cites.
import type { NetnsRef } from '../model/host-sample.js';
import type { Mode, Snapshot } from '../model/snapshot.js';
import { connectLatencyOf, type ConnectLatency } from './latency.js';

export interface ListenerProfile {
  addr: string;
  port: number;
  pid: number | undefined;
  comm: string | undefined;
  /** Accept-queue capacity seen last: min(listen() backlog, somaxconn at listen()). */
  capacity: number;
  peakQueue: number;
  intervalsAtCapacity: number;
  synackRetrans: number;
}

/** Totals of per-interval counter deltas and events over the session. */
export interface ProfileTotals {
  activeOpens: number;
  passiveOpens: number;
  attemptFails: number;
  estabResets: number;
  listenOverflows: number;
  listenDrops: number;
  reqQFullDrop: number;
  reqQFullDoCookies: number;
  syncookiesSent: number;
  /** SYN-ACK retransmits (eBPF per event; procfs: TCPSynRetrans while requests were pending). */
  synackRetrans: number;
  /** Client SYN retransmits (eBPF: retransmits in SYN_SENT). */
  synRetrans: number;
  /** TcpExtTCPSynRetrans: SYN and SYN-ACK retransmits (kernel counter, any mode). */
  tcpSynRetrans: number;
  timeWaitOverflow: number;
  abortOnMemory: number;
  abortOnTimeout: number;
  /** Resets the kernel sent because a keepalive timed out (6.10+ reset reasons). */
  keepaliveResets: number;
}

export interface ProfilePeaks {
  established: number;
  synSent: number;
  synRecv: number;
  timeWait: number;
  finWait2: number;
  closeWait: number;
  /** sockstat TCP.orphan: one host-wide number. */
  orphans: number;
  /** Highest per-second rate of outgoing / incoming connections in one interval. */
  activeOpensPerS: number;
  passiveOpensPerS: number;
  /** Most outgoing connections opened in any 60 s window (each one closed first holds its port 60 s in TIME_WAIT). */
  activeOpensPer60s: number;
  /** Most accept-queue overflows (ListenOverflows) in one interval. */
  listenOverflowsPerInterval: number;
}

export interface WorkloadProfile {
  netns: NetnsRef;
  mode: Mode;
  intervals: number;
  durationMs: number;
  startedAt: number;
  endedAt: number;
  /** Sysctls in force at the end (the netns's live values). */
  sysctls: Record<string, string>;
  totals: ProfileTotals;
  /** Average rates over the session (per second). */
  rates: { activeOpensPerS: number; passiveOpensPerS: number };
  peaks: ProfilePeaks;
  listeners: ListenerProfile[];
  /** Connect latency, when the snapshots carry it (optional field added by a later probe). */
  connectLatency: ConnectLatency | undefined;
  /** Sysctl changes seen during the session (the advice uses the values at the end). */
  sysctlChanges: number;
}

const ZERO_TOTALS: ProfileTotals = {
  activeOpens: 0,
  passiveOpens: 0,
  attemptFails: 0,
  estabResets: 0,
  listenOverflows: 0,
  listenDrops: 0,
  reqQFullDrop: 0,
  reqQFullDoCookies: 0,
  syncookiesSent: 0,
  synackRetrans: 0,
  synRetrans: 0,
  tcpSynRetrans: 0,
  timeWaitOverflow: 0,
  abortOnMemory: 0,
  abortOnTimeout: 0,
  keepaliveResets: 0,
};

const COUNTERS: readonly [keyof ProfileTotals, string][] = [
  ['activeOpens', 'TcpActiveOpens'],
  ['passiveOpens', 'TcpPassiveOpens'],
  ['attemptFails', 'TcpAttemptFails'],
  ['estabResets', 'TcpEstabResets'],
  ['listenOverflows', 'TcpExtListenOverflows'],
  ['listenDrops', 'TcpExtListenDrops'],
  ['reqQFullDrop', 'TcpExtTCPReqQFullDrop'],
  ['reqQFullDoCookies', 'TcpExtTCPReqQFullDoCookies'],
  ['syncookiesSent', 'TcpExtSyncookiesSent'],
  ['tcpSynRetrans', 'TcpExtTCPSynRetrans'],
  ['timeWaitOverflow', 'TcpExtTCPTimeWaitOverflow'],
  ['abortOnMemory', 'TcpExtTCPAbortOnMemory'],
  ['abortOnTimeout', 'TcpExtTCPAbortOnTimeout'],
];

const WINDOW_MS = 60_000;

/** Accumulates one netns's snapshots; memory bounded by listeners and one minute of active-open counts. */
export class ProfileBuilder {
  private first: Snapshot | undefined;
  private last: Snapshot | undefined;
  private count = 0;
  private durationMs = 0;
  private changes = 0;
  private readonly totals: ProfileTotals = { ...ZERO_TOTALS };
  private readonly peaks: ProfilePeaks = {
    established: 0,
    synSent: 0,
    synRecv: 0,
    timeWait: 0,
    finWait2: 0,
    closeWait: 0,
    orphans: 0,
    activeOpensPerS: 0,
    passiveOpensPerS: 0,
    activeOpensPer60s: 0,
    listenOverflowsPerInterval: 0,
  };
  private readonly listeners = new Map<number, ListenerProfile>();
  private readonly window: { t: number; n: number }[] = [];
  private windowSum = 0;
  private latency: ConnectLatency | undefined;

  add(s: Snapshot): void {
    this.first ??= s;
    this.last = s;
    this.count++;
    this.durationMs += s.intervalMs;
    this.changes += s.sysctlChanges.length;
    const t = this.totals;
    for (const [key, name] of COUNTERS) t[key] += s.counters[name] ?? 0;
    const procfs = s.mode === 'procfs';
    const pending = (s.census.states.SYN_RECV ?? 0) > 0;
    // procfs has no per-event split: TCPSynRetrans is attributed to SYN-ACKs while requests are pending, else to SYNs.
    const tcpSyn = s.counters.TcpExtTCPSynRetrans ?? 0;
    t.synackRetrans += procfs ? (pending ? tcpSyn : 0) : s.events.synackRetrans;
    t.synRetrans += procfs ? (pending ? 0 : tcpSyn) : (s.events.retransByState.SYN_SENT ?? 0);
    t.keepaliveResets += s.events.resetsSentByReason.TCP_KEEPALIVE_TIMEOUT ?? 0;

    const st = s.census.states;
    const p = this.peaks;
    p.established = Math.max(p.established, st.ESTABLISHED ?? 0);
    p.synSent = Math.max(p.synSent, st.SYN_SENT ?? 0);
    p.synRecv = Math.max(p.synRecv, (st.SYN_RECV ?? 0) + (st.NEW_SYN_RECV ?? 0));
    p.timeWait = Math.max(p.timeWait, st.TIME_WAIT ?? 0);
    p.finWait2 = Math.max(p.finWait2, st.FIN_WAIT2 ?? 0);
    p.closeWait = Math.max(p.closeWait, st.CLOSE_WAIT ?? 0);
    p.orphans = Math.max(p.orphans, s.census.sockstat['TCP.orphan'] ?? 0);
    p.listenOverflowsPerInterval = Math.max(p.listenOverflowsPerInterval, s.counters.TcpExtListenOverflows ?? 0);
    const perS = 1000 / Math.max(1, s.intervalMs);
    const active = s.counters.TcpActiveOpens ?? 0;
    p.activeOpensPerS = Math.max(p.activeOpensPerS, active * perS);
    p.passiveOpensPerS = Math.max(p.passiveOpensPerS, (s.counters.TcpPassiveOpens ?? 0) * perS);
    this.window.push({ t: s.time, n: active });
    this.windowSum += active;
    while (this.window.length > 0 && this.window[0]!.t <= s.time - WINDOW_MS) this.windowSum -= this.window.shift()!.n;
    p.activeOpensPer60s = Math.max(p.activeOpensPer60s, this.windowSum);

    for (const l of s.census.listeners) {
      const r = this.listener(l.addr, l.port, l.capacity, true);
      r.peakQueue = Math.max(r.peakQueue, l.queue);
      // The capacity that overflowed is the one to advise on (a restart may have changed it since).
      if (l.atCapacity || r.intervalsAtCapacity === 0) r.capacity = l.capacity;
      r.pid = l.pid ?? r.pid;
      r.comm = l.comm ?? r.comm;
      if (l.atCapacity) r.intervalsAtCapacity++;
    }
    for (const sa of s.events.synackRetransByListener) {
      const r = this.listener(sa.laddr, sa.lport, sa.acceptCapacity, false);
      r.synackRetrans += sa.count;
      r.peakQueue = Math.max(r.peakQueue, sa.acceptQueue);
    }
    this.latency = connectLatencyOf(s, this.latency);
  }

  private listener(addr: string, port: number, capacity: number, census: boolean): ListenerProfile {
    // SYN-ACK rows name the address the SYN was sent to (v4-mapped for a dual-stack [::] bind): one row per port,
    // named after the socket table's bind address.
    let r = this.listeners.get(port);
    if (!r) {
      r = {
        addr,
        port,
        pid: undefined,
        comm: undefined,
        capacity,
        peakQueue: 0,
        intervalsAtCapacity: 0,
        synackRetrans: 0,
      };
      this.listeners.set(port, r);
    }
    if (census) r.addr = addr;
    return r;
  }

  build(): WorkloadProfile | undefined {
    const first = this.first;
    const last = this.last;
    if (!first || !last) return undefined;
    const secs = Math.max(1, this.durationMs) / 1000;
    return {
      netns: last.netns,
      mode: last.mode,
      intervals: this.count,
      durationMs: this.durationMs,
      startedAt: first.time - first.intervalMs,
      endedAt: last.time,
      sysctls: last.sysctls,
      totals: { ...this.totals },
      rates: {
        activeOpensPerS: round1(this.totals.activeOpens / secs),
        passiveOpensPerS: round1(this.totals.passiveOpens / secs),
      },
      peaks: {
        ...this.peaks,
        activeOpensPerS: round1(this.peaks.activeOpensPerS),
        passiveOpensPerS: round1(this.peaks.passiveOpensPerS),
      },
      listeners: [...this.listeners.values()].sort(
        (a, b) => b.intervalsAtCapacity - a.intervalsAtCapacity || fill(b) - fill(a) || a.port - b.port,
      ),
      connectLatency: this.latency,
      sysctlChanges: this.changes,
    };
  }
}

const fill = (l: ListenerProfile): number => (l.capacity > 0 ? l.peakQueue / l.capacity : 0);
const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Snapshots of several netns (several recordings, or a whole-host session) → one profile per netns inode. */
export class ProfileSet {
  private readonly builders = new Map<number, ProfileBuilder>();
  add(s: Snapshot): void {
    let b = this.builders.get(s.netns.inode);
    if (!b) {
      b = new ProfileBuilder();
      this.builders.set(s.netns.inode, b);
    }
    b.add(s);
  }
  build(): WorkloadProfile[] {
    return [...this.builders.values()].map((b) => b.build()).filter((p): p is WorkloadProfile => p !== undefined);
  }
}
