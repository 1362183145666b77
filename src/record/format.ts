// The recording file format (NDJSON, optionally gzip): header + raw inputs, so a replay re-runs the same pipeline.
import type { HostSample, NetnsOwner } from '../model/host-sample.js';
import type { RawInput } from '../model/inputs.js';
import { HostSetEncoder } from './host-set-format.js';
import type { SessionDescription } from '../model/session.js';

export const RECORDING_FORMAT = 'tcpscope-recording';
/**
 * Bumped only for changes an older reader cannot skip; documented in docs/recording.md. Version 2 added whole-host
 * lines (`k: "H"`); single-netns recordings are still written as version 1, which older readers read.
 */
export const RECORDING_VERSION = 2;
export const RECORDING_VERSION_SINGLE = 1;
/** A line longer than this is refused: no valid recording line comes near it, and it bounds reader memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface RecordingHeader {
  type: 'header';
  format: typeof RECORDING_FORMAT;
  version: number;
  tcpscopeVersion: string;
  /** ms epoch when recording started: position 00:00:00 of --from/--to. */
  startedAt: number;
  description: SessionDescription;
  /** 0 for the first file of a rotated recording, 1 for the next part... */
  part?: number;
  /** Present on a flight recorder's incident file: which alert caused it and the window it covers. */
  incident?: IncidentMeta;
}

/** What an incident recording is about (the first alert; later ones that extended it follow as alert entries). */
export interface IncidentMeta {
  alert: string;
  /** Every alert that fired while the incident was open, as known when its header was written. */
  alerts: string[];
  netns: string;
  severity: string;
  /** ms epoch of the firing snapshot. */
  firedAt: number;
  /** ms epoch the incident was planned to end at when its header was written (firedAt + after). */
  until: number;
  ringMs: number;
  afterMs: number;
  /** `netns` when a whole-host incident holds only some namespaces (--incident-scope netns); absent: all of them. */
  scope?: 'netns';
  /** With scope `netns`: the inodes held (the alerting netns, the host netns, and any netns that extended it). */
  inodes?: number[];
}

/** Something that happened to a recording besides inputs: an alert fired, or the end marker. */
export interface AlertEntry {
  kind: 'alert';
  t: number;
  alert: unknown;
}
export interface EndEntry {
  kind: 'end';
  t: number;
  reason: string;
}
/** Another recording's header in the middle of a file: concatenated recordings (`cat a b > ab`) replay in order. */
export interface SegmentEntry {
  kind: 'segment';
  t: number;
  header: RecordingHeader;
}
export type RecordingEntry = RawInput | AlertEntry | EndEntry | SegmentEntry;

// Compact line shapes (documented in docs/recording.md).
/** `j`: the raw line itself when it is one-line JSON (bpftrace -f json output), else `l`: the line as a string. */
interface ProbeLine {
  k: 'p';
  t: number;
  l?: string;
  j?: unknown;
}
/**
 * `c`: the counters that changed since the previous host line of the file (all of them on the first), `cx`: counters
 * that disappeared; `y` (sysctls) only when they differ from the previous host line. Most of a sample is unchanged.
 */
interface HostLine {
  k: 'h';
  t: number;
  s: Omit<HostSample, 'sysctls' | 'counters'>;
  c: Record<string, number>;
  cx?: string[];
  y?: Record<string, string>;
  /** What runs in the netns (container, pod, service), only when it changed since the previous host line; null: none now. */
  o?: NetnsOwner | null;
}
interface GapLine {
  k: 'g';
  t: number;
  r: string;
  d: number | null;
}
interface AlertLine {
  k: 'a';
  t: number;
  a: unknown;
}
interface EndLine {
  k: 'e';
  t: number;
  r: string;
}
/** Every line of a recording after the header (the on-disk format, see docs/recording.md). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- documents the format; probe lines are written by hand
type Line = ProbeLine | HostLine | GapLine | AlertLine | EndLine;

export function encodeHeader(header: RecordingHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** Stateful encoder: host lines repeat the sysctl table only when it changed (it is most of a host sample). */
export class EntryEncoder {
  private lastSysctls: string | undefined;
  private lastCounters: Record<string, number> = {};
  private lastOwner = 'null';
  private hostSet = new HostSetEncoder();

  encode(entry: RecordingEntry): string {
    switch (entry.kind) {
      case 'hosts':
        return `${JSON.stringify(this.hostSet.encode(entry))}\n`;
      case 'probe':
        // A bpftrace JSON line is stored as is ("j"): replay slices it out without parsing the recording line.
        return embeddable(entry.line)
          ? `{"k":"p","t":${entry.t},"j":${entry.line}}\n`
          : `{"k":"p","t":${entry.t},"l":${JSON.stringify(entry.line)}}\n`;
      case 'host': {
        const { sysctls, counters, ...others } = entry.sample;
        // The owner repeats every interval and rarely changes: written ("o") only when it does, like the sysctls.
        const { owner, ...netns } = others.netns;
        const rest = { ...others, netns }; // netns keeps its place in the line
        const o = JSON.stringify(owner ?? null);
        const ownerChanged = o !== this.lastOwner;
        this.lastOwner = o;
        const y = JSON.stringify(sysctls);
        const prev = this.lastCounters;
        const c: Record<string, number> = {};
        for (const [name, v] of Object.entries(counters)) if (prev[name] !== v) c[name] = v;
        const cx = Object.keys(prev).filter((name) => !(name in counters));
        this.lastCounters = counters;
        const line: HostLine = {
          k: 'h',
          t: entry.t,
          s: rest,
          c,
          ...(cx.length > 0 ? { cx } : {}),
          ...(ownerChanged ? { o: owner ?? null } : {}),
        };
        if (y !== this.lastSysctls) {
          this.lastSysctls = y;
          return `${JSON.stringify(line).slice(0, -1)},"y":${y}}\n`;
        }
        return `${JSON.stringify(line)}\n`;
      }
      case 'gap':
        return `${JSON.stringify({ k: 'g', t: entry.t, r: entry.reason, d: entry.durationMs ?? null } satisfies GapLine)}\n`;
      case 'alert':
        return `${JSON.stringify({ k: 'a', t: entry.t, a: entry.alert } satisfies AlertLine)}\n`;
      case 'end':
        return `${JSON.stringify({ k: 'e', t: entry.t, r: entry.reason } satisfies EndLine)}\n`;
      case 'segment':
        return encodeHeader(entry.header);
    }
  }
}

/** Can the raw line be embedded verbatim as a JSON value (one line, valid JSON object)? */
function embeddable(line: string): boolean {
  if (line.length < 2 || line.charCodeAt(0) !== 0x7b || line.charCodeAt(line.length - 1) !== 0x7d) return false;
  if (line.includes('\n') || line.includes('\r')) return false;
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

export { EntryDecoder, checkHeader } from './format-decode.js';
