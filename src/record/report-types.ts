// What an incident report contains (metrics followed, episodes, findings, timeline) and how it writes offsets.
import type { SysctlRef, Severity } from '../model/finding.js';
import { counterOf, type Snapshot, type SysctlChange } from '../model/snapshot.js';

/** A metric followed over the recording: per-interval counter deltas, or socket-count gauges. */
export interface MetricDef {
  id: string;
  label: string;
  kind: 'count' | 'gauge';
  value: (s: Snapshot) => number;
}

const counter =
  (name: string) =>
  (s: Snapshot): number =>
    counterOf(s, name);
const state =
  (name: string) =>
  (s: Snapshot): number =>
    s.census.states[name] ?? 0;

export const REPORT_METRICS: readonly MetricDef[] = [
  {
    id: 'listenOverflows',
    label: 'accept queue overflows (ListenOverflows)',
    kind: 'count',
    value: counter('TcpExtListenOverflows'),
  },
  {
    id: 'listenDrops',
    label: 'SYNs dropped by listeners (ListenDrops)',
    kind: 'count',
    value: counter('TcpExtListenDrops'),
  },
  { id: 'synackRetrans', label: 'SYN-ACK retransmits', kind: 'count', value: (s) => s.events.synackRetrans },
  {
    id: 'synRetrans',
    label: 'SYN/SYN-ACK retransmits (TCPSynRetrans)',
    kind: 'count',
    value: counter('TcpExtTCPSynRetrans'),
  },
  { id: 'retransSegs', label: 'retransmitted segments (RetransSegs)', kind: 'count', value: counter('TcpRetransSegs') },
  { id: 'resetsSent', label: 'resets sent (OutRsts)', kind: 'count', value: counter('TcpOutRsts') },
  { id: 'resetsReceived', label: 'resets received', kind: 'count', value: (s) => s.events.resetsReceived },
  {
    id: 'syncookies',
    label: 'SYN cookies sent (SyncookiesSent)',
    kind: 'count',
    value: counter('TcpExtSyncookiesSent'),
  },
  { id: 'drops', label: 'TCP packet drops', kind: 'count', value: (s) => s.events.drops },
  { id: 'timeWait', label: 'sockets in TIME_WAIT', kind: 'gauge', value: state('TIME_WAIT') },
  { id: 'closeWait', label: 'sockets in CLOSE_WAIT', kind: 'gauge', value: state('CLOSE_WAIT') },
  {
    id: 'synRecv',
    label: 'half-open connections (SYN_RECV)',
    kind: 'gauge',
    value: (s) => state('SYN_RECV')(s) + state('NEW_SYN_RECV')(s),
  },
];

/** A run of intervals where a metric was active (counts: non-zero; gauges: above a quarter of their peak). */
export interface Episode {
  metric: string;
  label: string;
  kind: 'count' | 'gauge';
  start: number;
  end: number;
  /** Sum over the episode (counts) or the peak (gauges). */
  total: number;
  peak: number;
  peakAt: number;
}

export interface ReportFinding {
  id: string;
  severity: Severity;
  title: string;
  firstSeen: number;
  lastSeen: number;
  /** Snapshots in which the finding was raised. */
  intervals: number;
  evidence: Record<string, number | string>;
  sysctls: SysctlRef[];
  explanation: string;
  advice: string[];
}

export interface ReportListener {
  addr: string;
  port: number;
  comm: string | undefined;
  pid: number | undefined;
  capacity: number;
  maxQueue: number;
  intervalsAtCapacity: number;
  synackRetrans: number;
}

export interface TimelineEvent {
  t: number;
  text: string;
}

export interface IncidentReport {
  recording: {
    path: string;
    host: string;
    kernel: string;
    netns: string;
    mode: string;
    modeReason: string | undefined;
    bpftraceVersion: string | undefined;
    tcpscopeVersion: string;
    port: number | undefined;
    intervalMs: number;
    startedAt: number;
    endedAt: number;
    snapshots: number;
    skippedLines: number;
    skippedExamples: string[];
    truncated: string | undefined;
    endReason: string | undefined;
    alerts: number;
    /** Concatenated recordings in the file (1 normally). */
    segments: number;
  };
  totals: Record<string, { label: string; kind: 'count' | 'gauge'; value: number }>;
  episodes: Episode[];
  findings: ReportFinding[];
  timeline: TimelineEvent[];
  listeners: ReportListener[];
  sysctls: { inForce: Record<string, string>; changes: SysctlChange[] };
}

/** `HH:MM:SS` offset from the start of the recording. */
export function elapsedClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}
