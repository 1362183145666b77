// Synthetic snapshots and session info for the dashboard tests: a quiet host, then an accept-queue overflow.
import type { Finding } from '../../../src/model/finding.js';
import type { SessionInfo } from '../../../src/model/session.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { idleSnapshot } from '../../helpers/snapshot.js';

export const T0 = Date.UTC(2026, 10, 21, 3, 0, 0);

export function sessionInfo(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    host: 'web-1',
    kernel: '6.18.0',
    netns: { inode: 4026532281, name: 'tslab-ab12-s' },
    mode: 'ebpf',
    modeReason: undefined,
    intervalMs: 1000,
    bpftraceVersion: '0.17.0',
    port: undefined,
    ...over,
  };
}

export const SYSCTLS: Record<string, string> = {
  'net.core.somaxconn': '4096',
  'net.ipv4.tcp_max_syn_backlog': '512',
  'net.ipv4.tcp_syncookies': '1',
  'net.ipv4.tcp_abort_on_overflow': '0',
  'net.ipv4.tcp_synack_retries': '5',
  'net.ipv4.tcp_syn_retries': '6',
  'net.ipv4.tcp_max_tw_buckets': '8192',
  'net.ipv4.tcp_tw_reuse': '2',
  'net.ipv4.tcp_fin_timeout': '60',
  'net.ipv4.tcp_max_orphans': '8192',
  'net.ipv4.tcp_orphan_retries': '0',
  'net.ipv4.ip_local_port_range': '32768\t60999',
};

export function snapshot(seq: number, over: Partial<Snapshot> = {}): Snapshot {
  return idleSnapshot({
    time: T0 + seq * 1000,
    seq,
    netns: { inode: 4026532281, name: 'tslab-ab12-s' },
    transitions: {
      'CLOSE->SYN_SENT': 40,
      'SYN_SENT->ESTABLISHED': 40,
      'SYN_RECV->ESTABLISHED': 38,
      'ESTABLISHED->FIN_WAIT1': 35,
      'FIN_WAIT1->FIN_WAIT2': 35,
      'FIN_WAIT2->CLOSE': 35,
      'ESTABLISHED->CLOSE_WAIT': 3,
      'CLOSE_WAIT->LAST_ACK': 3,
      'LAST_ACK->CLOSE': 3,
    },
    counters: { TcpActiveOpens: 40, TcpPassiveOpens: 38 },
    census: {
      states: { ESTABLISHED: 120, TIME_WAIT: 2100, CLOSE_WAIT: 0, LISTEN: 2, SYN_SENT: 0, SYN_RECV: 0 },
      listeners: [
        {
          family: 4,
          addr: '127.0.0.1',
          port: 8080,
          queue: 0,
          capacity: 128,
          inode: 1,
          pid: 321,
          comm: 'slowsrv',
          atCapacity: false,
        },
        {
          family: 4,
          addr: '0.0.0.0',
          port: 22,
          queue: 0,
          capacity: 4096,
          inode: 2,
          pid: 1,
          comm: 'sshd',
          atCapacity: false,
        },
      ],
      sockstat: { 'TCP.inuse': 130, 'TCP.orphan': 1, 'TCP.tw': 2100, 'TCP.alloc': 140 },
    },
    sysctls: { ...SYSCTLS },
    ...over,
  });
}

export function overflowFinding(since: number): Finding {
  return {
    id: 'accept-queue-overflow',
    severity: 'critical',
    title: 'accept queue of 127.0.0.1:8080 is full: SYNs and final ACKs are dropped',
    evidence: { 'ListenOverflows/s': 250, listener: '127.0.0.1:8080', queue: '129/128' },
    sysctls: [
      { name: 'net.core.somaxconn', value: '4096', role: 'caps the listen() backlog' },
      { name: 'net.ipv4.tcp_abort_on_overflow', value: '0', role: '0: clients retry, see SYN-ACK retransmits' },
    ],
    explanation: 'The accept queue capacity is min(backlog 128, somaxconn 4096) = 128 and slowsrv accepts too slowly.',
    advice: ['raise the listen() backlog of slowsrv (and net.core.somaxconn if lower) and restart it', 'accept faster'],
    since,
  };
}

/** Quiet for `quiet` intervals, then overflowing: the 8080 listener full, 250 overflows/s, SYN-ACK retransmits. */
export function overflowSequence(quiet = 5, overflowing = 5): Snapshot[] {
  const out: Snapshot[] = [];
  for (let i = 0; i < quiet; i++) out.push(snapshot(i));
  const since = T0 + quiet * 1000;
  for (let i = quiet; i < quiet + overflowing; i++) {
    const s = snapshot(i);
    s.counters = { ...s.counters, TcpExtListenOverflows: 250, TcpExtListenDrops: 250 };
    s.census.listeners = s.census.listeners.map((l) => (l.port === 8080 ? { ...l, queue: 129, atCapacity: true } : l));
    s.events = { ...s.events, synackRetrans: 30, dropsByReason: { TCP_LISTEN_OVERFLOW: 12 } };
    s.findings = [overflowFinding(since)];
    out.push(s);
  }
  return out;
}

/** procfs-only snapshots (no eBPF data). */
export function procfsSequence(n = 4): Snapshot[] {
  return Array.from({ length: n }, (_, i) =>
    snapshot(i, {
      mode: 'procfs',
      modeReason: 'not root: run with sudo for eBPF',
      transitions: {},
      counters: { TcpActiveOpens: 12, TcpPassiveOpens: 7, TcpOutRsts: 3, TcpExtTCPSynRetrans: 2 },
    }),
  );
}
