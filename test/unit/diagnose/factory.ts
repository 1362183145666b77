// Synthetic snapshots for rule tests: kernel 6.18 default sysctls, empty events, overridable piece by piece.
import type { Snapshot, SnapshotEvents } from '../../../src/model/snapshot.js';
import type { SnapshotListener } from '../../../src/diagnose/listeners.js';
import { makeContext } from '../../../src/diagnose/context.js';
import type { RuleContext } from '../../../src/diagnose/rule.js';
import { HOST_NETNS, idleSnapshot } from '../../helpers/snapshot.js';

/** Values read on this machine (kernel 6.18) with `sysctl`. */
export const DEFAULT_SYSCTLS: Record<string, string> = {
  'net.core.somaxconn': '4096',
  'net.ipv4.tcp_abort_on_overflow': '0',
  'net.ipv4.tcp_synack_retries': '5',
  'net.ipv4.tcp_syn_retries': '6',
  'net.ipv4.tcp_syn_linear_timeouts': '4',
  'net.ipv4.tcp_syncookies': '1',
  'net.ipv4.tcp_max_syn_backlog': '2048',
  'net.ipv4.tcp_max_tw_buckets': '131072',
  'net.ipv4.tcp_tw_reuse': '2',
  'net.ipv4.tcp_timestamps': '1',
  'net.ipv4.tcp_fin_timeout': '60',
  'net.ipv4.tcp_orphan_retries': '0',
  'net.ipv4.tcp_max_orphans': '131072',
  'net.ipv4.ip_local_port_range': '32768\t60999',
  'net.ipv4.tcp_keepalive_time': '7200',
  'net.ipv4.tcp_keepalive_probes': '9',
  'net.ipv4.tcp_keepalive_intvl': '75',
  'net.ipv4.tcp_rto_max_ms': '120000',
};

export interface SnapshotPatch {
  time?: number;
  seq?: number;
  intervalMs?: number;
  mode?: Snapshot['mode'];
  netnsName?: string;
  counters?: Record<string, number>;
  events?: Partial<SnapshotEvents>;
  transitions?: Record<string, number>;
  states?: Record<string, number>;
  listeners?: SnapshotListener[];
  owners?: Snapshot['census']['owners'];
  sockstat?: Record<string, number>;
  sysctls?: Record<string, string | undefined>;
}

export function snap(p: SnapshotPatch = {}): Snapshot {
  const sysctls: Record<string, string> = { ...DEFAULT_SYSCTLS };
  for (const [k, v] of Object.entries(p.sysctls ?? {})) {
    if (v === undefined) delete sysctls[k];
    else sysctls[k] = v;
  }
  const seq = p.seq ?? 0;
  return idleSnapshot({
    time: p.time ?? 1_700_000_000_000 + seq * 1000,
    seq,
    intervalMs: p.intervalMs,
    netns: { inode: HOST_NETNS, name: p.netnsName },
    mode: p.mode,
    transitions: p.transitions,
    events: p.events,
    counters: p.counters,
    census: { states: p.states, listeners: p.listeners, owners: p.owners, sockstat: p.sockstat },
    sysctls,
  });
}

export function listener(p: Partial<SnapshotListener> = {}): SnapshotListener {
  return {
    family: 4,
    addr: '0.0.0.0',
    port: 8080,
    queue: 0,
    capacity: 4096,
    inode: 1234,
    pid: 812,
    comm: 'nginx',
    atCapacity: false,
    ...p,
  };
}

/** Context for the last snapshot, with the previous ones as history. */
export function ctxOf(...snapshots: Snapshot[]): RuleContext {
  const last = snapshots[snapshots.length - 1];
  if (!last) throw new Error('ctxOf needs a snapshot');
  return makeContext(last, snapshots);
}

/** A series of snapshots 1 s apart, each built from the patch for its index. */
export function series(n: number, patch: (i: number) => SnapshotPatch): Snapshot[] {
  return Array.from({ length: n }, (_, i) => snap({ seq: i, ...patch(i) }));
}
