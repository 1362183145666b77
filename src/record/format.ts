// The recording file format (NDJSON, optionally gzip): header + raw inputs, so a replay re-runs the same pipeline.
import type { HostSample } from '../model/host-sample.js';
import type { HostInput, ProbeLineInput, RawInput } from '../model/inputs.js';
import { counterDelta } from '../kernel/host/counter-deltas.js';
import type { SessionDescription } from '../model/session.js';

export const RECORDING_FORMAT = 'tcpscope-recording';
/** Bumped only for changes an older reader cannot skip; documented in docs/recording.md. */
export const RECORDING_VERSION = 1;
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

  encode(entry: RecordingEntry): string {
    switch (entry.kind) {
      case 'probe':
        // A bpftrace JSON line is stored as is ("j"): replay slices it out without parsing the recording line.
        return embeddable(entry.line)
          ? `{"k":"p","t":${entry.t},"j":${entry.line}}\n`
          : `{"k":"p","t":${entry.t},"l":${JSON.stringify(entry.line)}}\n`;
      case 'host': {
        const { sysctls, counters, ...rest } = entry.sample;
        const y = JSON.stringify(sysctls);
        const prev = this.lastCounters;
        const c: Record<string, number> = {};
        for (const [name, v] of Object.entries(counters)) if (prev[name] !== v) c[name] = v;
        const cx = Object.keys(prev).filter((name) => !(name in counters));
        this.lastCounters = counters;
        const line: HostLine = { k: 'h', t: entry.t, s: rest, c, ...(cx.length > 0 ? { cx } : {}) };
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

export type DecodeResult = { ok: true; entry: RecordingEntry } | { ok: false; reason: string };

const PROBE_PREFIX = '{"k":"p","t":';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * Absolute counters rebuilt from per-line changes, in parallel arrays (a 400-key object is slow to copy). Each line
 * yields the deltas of the counters it changed and a table of all counters built only if someone reads it.
 */
class CounterState {
  private keys: string[] = [];
  private values: number[] = [];
  private readonly index = new Map<string, number>();

  apply(
    changed: Record<string, unknown>,
    removed: unknown[],
  ): { deltas: Record<string, number>; table: () => Record<string, number> } {
    const deltas: Record<string, number> = {};
    for (const name in changed) {
      const n = changed[name];
      if (typeof n !== 'number') continue;
      const i = this.index.get(name);
      if (i === undefined) {
        // No baseline: its first delta comes with its next change (as counterDeltas does).
        this.index.set(name, this.keys.length);
        this.keys.push(name);
        this.values.push(n);
      } else {
        const d = counterDelta(this.values[i]!, n);
        if (d !== 0) deltas[name] = d;
        this.values[i] = n;
      }
    }
    if (removed.length > 0) {
      const gone = new Set(removed.filter((x): x is string => typeof x === 'string'));
      const keys = this.keys.filter((k) => !gone.has(k));
      this.values = keys.map((k) => this.values[this.index.get(k)!]!);
      this.keys = keys;
      this.index.clear();
      keys.forEach((k, i) => this.index.set(k, i));
    }
    // keys only grow in place (removal makes a new array): the first values.length of them are this line's.
    const keys = this.keys;
    const values = this.values.slice();
    let table: Record<string, number> | undefined;
    return {
      deltas,
      table: () => {
        if (table) return table;
        table = {};
        for (let i = 0; i < values.length; i++) table[keys[i]!] = values[i]!;
        return table;
      },
    };
  }
}

/** Stateful decoder, the inverse of EntryEncoder (restores the sysctl table of host lines that omit it). */
export class EntryDecoder {
  private lastSysctls: Record<string, string> = {};
  private counters = new CounterState();
  /** Time of the previous host line of this segment: the base of the counter deltas of the next one. */
  private lastHostT = Number.NaN;

  /**
   * Decodes one line. `strict` validates embedded probe lines as JSON (used for a last line that may be cut);
   * otherwise they are sliced out unparsed and the probe decoder judges them.
   */
  /**
   * The bulk of a recording, a probe line as EntryEncoder writes it (`{"k":"p","t":<integer ms>,"j":{...}}`), read
   * without JSON.parse: the timestamp in place, the raw line sliced out. Undefined for any other line (use decode).
   */
  probeLine(text: string): ProbeLineInput | undefined {
    if (!text.startsWith(PROBE_PREFIX) || !text.endsWith('}')) return undefined;
    let t = 0;
    let i = PROBE_PREFIX.length;
    for (
      let c = text.charCodeAt(i) - 0x30;
      c >= 0 && c <= 9 && i < PROBE_PREFIX.length + 16;
      c = text.charCodeAt(++i) - 0x30
    )
      t = t * 10 + c;
    return i > PROBE_PREFIX.length && text.startsWith(',"j":{', i)
      ? { kind: 'probe', t, line: text.slice(i + 5, -1) }
      : undefined;
  }

  decode(text: string, strict = false): DecodeResult {
    if (!strict) {
      const probe = this.probeLine(text);
      if (probe) return { ok: true, entry: probe };
    }
    if (text.startsWith(PROBE_PREFIX)) {
      const comma = text.indexOf(',"l":', PROBE_PREFIX.length);
      if (comma > 0 && text.endsWith('}')) {
        const t = Number(text.slice(PROBE_PREFIX.length, comma));
        try {
          const line: unknown = JSON.parse(text.slice(comma + 5, -1));
          if (Number.isFinite(t) && typeof line === 'string') return { ok: true, entry: { kind: 'probe', t, line } };
        } catch {
          // fall through to the general path, which names the problem
        }
      }
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'not valid JSON' };
    }
    if (!isRecord(v)) return { ok: false, reason: 'not a JSON object' };
    if (v.type === 'header') {
      // The start of a concatenated recording: its own state (sysctls, counters) starts over.
      const h = checkHeader(text);
      if (!h.ok) return { ok: false, reason: h.reason };
      this.lastSysctls = {};
      this.counters = new CounterState();
      this.lastHostT = Number.NaN;
      return { ok: true, entry: { kind: 'segment', t: h.header.startedAt, header: h.header } };
    }
    const t = v.t;
    if (typeof t !== 'number' || !Number.isFinite(t)) return { ok: false, reason: 'missing timestamp "t"' };
    switch (v.k) {
      case 'p': {
        if (typeof v.l === 'string') return { ok: true, entry: { kind: 'probe', t, line: v.l } };
        // Embedded JSON: the raw line is the exact text between `"j":` and the final `}`.
        if (isRecord(v.j)) {
          const j = text.startsWith(PROBE_PREFIX) ? text.indexOf(',"j":', PROBE_PREFIX.length) : -1;
          const line = j > 0 && text.endsWith('}') ? text.slice(j + 5, -1) : JSON.stringify(v.j);
          return { ok: true, entry: { kind: 'probe', t, line } };
        }
        return { ok: false, reason: 'probe line without "l" or "j"' };
      }
      case 'h': {
        if (!isRecord(v.s)) return { ok: false, reason: 'host line without sample "s"' };
        if (v.y !== undefined) {
          if (!isStringMap(v.y)) return { ok: false, reason: 'host line with a bad sysctl table "y"' };
          this.lastSysctls = v.y;
        }
        if (!isRecord(v.c)) return { ok: false, reason: 'host line without counters "c"' };
        const { deltas, table } = this.counters.apply(v.c, Array.isArray(v.cx) ? (v.cx as unknown[]) : []);
        // The rest is the writer's own HostSample; its fields are trusted like the header. The absolute counters are
        // built on first read: the pipeline only needs the deltas.
        const sample = Object.defineProperty(
          { ...(v.s as unknown as Omit<HostSample, 'sysctls' | 'counters'>), sysctls: this.lastSysctls },
          'counters',
          { get: table, enumerable: true, configurable: true },
        ) as HostSample;
        const since = this.lastHostT;
        this.lastHostT = t;
        const entry: HostInput = Number.isNaN(since)
          ? { kind: 'host', t, sample }
          : { kind: 'host', t, sample, counterDeltas: { since, deltas } };
        return { ok: true, entry };
      }
      case 'g':
        if (typeof v.r !== 'string') return { ok: false, reason: 'gap line without reason "r"' };
        return {
          ok: true,
          entry: { kind: 'gap', t, reason: v.r, durationMs: typeof v.d === 'number' ? v.d : undefined },
        };
      case 'a':
        return { ok: true, entry: { kind: 'alert', t, alert: v.a } };
      case 'e':
        return { ok: true, entry: { kind: 'end', t, reason: typeof v.r === 'string' ? v.r : 'unknown' } };
      default:
        return { ok: false, reason: `unknown line kind ${JSON.stringify(v.k)}` };
    }
  }
}

export type HeaderCheck = { ok: true; header: RecordingHeader } | { ok: false; reason: string; future?: number };

/** Validates the first line: a tcpscope recording of a version this build reads. */
export function checkHeader(text: string): HeaderCheck {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not a tcpscope recording (the first line is not a JSON header)' };
  }
  if (!isRecord(v) || v.type !== 'header' || v.format !== RECORDING_FORMAT) {
    return { ok: false, reason: 'not a tcpscope recording (no tcpscope-recording header)' };
  }
  if (typeof v.version !== 'number' || !Number.isInteger(v.version) || v.version < 1) {
    return { ok: false, reason: 'corrupt recording header (bad version)' };
  }
  if (v.version > RECORDING_VERSION) {
    return {
      ok: false,
      reason: `recording format version ${v.version} is newer than this tcpscope reads (${RECORDING_VERSION})`,
      future: v.version,
    };
  }
  const d = v.description;
  if (
    typeof v.startedAt !== 'number' ||
    !isRecord(d) ||
    !isRecord(d.info) ||
    typeof d.info.intervalMs !== 'number' ||
    !isRecord(d.info.netns)
  ) {
    return { ok: false, reason: 'corrupt recording header (missing startedAt or session description)' };
  }
  return { ok: true, header: v as unknown as RecordingHeader };
}
