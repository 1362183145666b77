// Whole-host snapshots for the overview tests, built with the pipeline's own ranking (rank.ts) from the dashboard's
// single-netns fixtures: a quiet host netns, an overflowing lab netns, a docker-owned one, a leak, gone/unreadable/new.
import type { Finding } from '../../../src/model/finding.js';
import type { NetnsRef } from '../../../src/model/host-sample.js';
import {
  HOST_SNAPSHOT_SCHEMA_VERSION,
  type HostSnapshot,
  type NetnsSection,
} from '../../../src/model/host-snapshot.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import {
  addRates,
  fullestListener,
  rankSections,
  ratesOf,
  worstSeverity,
  zeroRates,
} from '../../../src/pipeline/wholehost/rank.js';
import { overflowSequence, snapshot, T0 } from './fixtures.js';

export const HOST: NetnsRef = { inode: 4026531840, name: undefined, isHost: true };
export const OVERFLOW: NetnsRef = { inode: 4026532401, name: 'tslab-ov-a-s' };
export const WEB1: NetnsRef = {
  inode: 4026532402,
  name: undefined,
  owner: { runtime: 'docker', name: 'web1', image: 'nginx:1.27', id: 'f'.repeat(64) },
  pid: 4242,
};
export const LEAK: NetnsRef = { inode: 4026532403, name: 'tslab-ov-b-s' };
export const GONE: NetnsRef = { inode: 4026532404, name: 'tslab-ov-gone' };
export const LOCKED: NetnsRef = { inode: 4026532405, name: undefined, pid: 999 };
export const FRESH: NetnsRef = { inode: 4026532406, name: 'tslab-ov-new' };

const leakFinding = (since: number): Finding => ({
  id: 'close-wait-leak',
  severity: 'warning',
  title: '[tslab-ov-b-s] 40 sockets in CLOSE_WAIT held by leaky (pid 77)',
  evidence: { CLOSE_WAIT: 40 },
  sysctls: [],
  explanation: 'The peer closed; the application never called close().',
  advice: ['fix the application: close() after read() returns 0'],
  since,
});

function section(netns: NetnsRef, s: Snapshot | undefined, status: NetnsSection['status'] = 'ok'): NetnsSection {
  return {
    netns,
    status,
    rank: 0,
    worst: worstSeverity(s),
    rates: s ? ratesOf(s, true) : zeroRates(),
    fullestListener: s ? fullestListener(s) : undefined,
    snapshot: status === 'ok' ? s : undefined,
    notes: status === 'unreadable' ? ['permission denied reading /proc/999/net/tcp'] : [],
  };
}

/** Interval `seq` (0-9): the overflow starts at 5 (overflowSequence); the other sections are steady. */
export function hostSnapshot(seq: number, opts: { extra?: number } = {}): HostSnapshot {
  const overflowing = overflowSequence()[seq]!;
  const host = snapshot(seq, { netns: HOST });
  const web = snapshot(seq, { netns: WEB1 });
  web.census = {
    ...web.census,
    states: { ...web.census.states, ESTABLISHED: 7, TIME_WAIT: 3 },
    listeners: [{ ...web.census.listeners[0]!, family: 6, addr: '::', port: 8443, queue: 3, capacity: 511 }],
  };
  const leak = snapshot(seq, { netns: LEAK, findings: [leakFinding(T0)] });
  leak.census = { ...leak.census, states: { ...leak.census.states, CLOSE_WAIT: 40 } };
  const sections = [
    section(HOST, host),
    section({ ...OVERFLOW }, { ...overflowing, netns: OVERFLOW }),
    section(WEB1, web),
    section(LEAK, leak),
    section(GONE, undefined, 'gone'),
    section(LOCKED, undefined, 'unreadable'),
    section(FRESH, undefined, 'new'),
  ];
  for (let i = 0; i < (opts.extra ?? 0); i++)
    sections.push(section({ inode: 4026533000 + i, name: `tslab-ov-q${i}` }, snapshot(seq)));
  rankSections(sections);
  const rates = sections.reduce((r, s) => addRates(r, s.rates), zeroRates());
  return {
    schemaVersion: HOST_SNAPSHOT_SCHEMA_VERSION,
    kind: 'host',
    time: T0 + seq * 1000,
    seq,
    intervalMs: 1000,
    mode: 'ebpf',
    modeReason: undefined,
    totals: {
      namespaces: sections.length,
      troubled: sections.filter((s) => s.worst !== undefined).length,
      idle: 3,
      states: { ESTABLISHED: 247, TIME_WAIT: 6303, CLOSE_WAIT: 40, SYN_RECV: 0 },
      rates,
      findings: { critical: seq >= 5 ? 1 : 0, warning: 1, info: 0 },
    },
    namespaces: sections,
    events: { lost: 0, suppressed: 0 },
    gaps: [],
    notes: [],
    pollMs: 12,
  };
}

export const hostSequence = (n = 10, extra = 0): HostSnapshot[] =>
  Array.from({ length: n }, (_, i) => hostSnapshot(i, { extra }));
