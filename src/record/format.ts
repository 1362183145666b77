// The recording file format (NDJSON, optionally gzip): header + raw inputs, so a replay re-runs the same pipeline.
import type { HostSample } from '../kernel/host/sample.js';
import type { RawInput } from '../pipeline/inputs.js';
import type { SessionDescription } from '../pipeline/session-types.js';

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
export interface AlertEntry { kind: 'alert'; t: number; alert: unknown }
export interface EndEntry { kind: 'end'; t: number; reason: string }
export type RecordingEntry = RawInput | AlertEntry | EndEntry;

// Compact line shapes (documented in docs/recording.md).
interface ProbeLine { k: 'p'; t: number; l: string }
/** `y` (sysctls) is present only when they differ from the previous host line of the file. */
interface HostLine { k: 'h'; t: number; s: Omit<HostSample, 'sysctls'>; y?: Record<string, string> }
interface GapLine { k: 'g'; t: number; r: string; d: number | null }
interface AlertLine { k: 'a'; t: number; a: unknown }
interface EndLine { k: 'e'; t: number; r: string }
type Line = ProbeLine | HostLine | GapLine | AlertLine | EndLine;

export function encodeHeader(header: RecordingHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** Stateful encoder: host lines repeat the sysctl table only when it changed (it is most of a host sample). */
export class EntryEncoder {
  private lastSysctls: string | undefined;

  /** Forget the previous sysctl table (a new file part must be self-contained). */
  reset(): void {
    this.lastSysctls = undefined;
  }

  encode(entry: RecordingEntry): string {
    switch (entry.kind) {
      case 'probe':
        return `{"k":"p","t":${entry.t},"l":${JSON.stringify(entry.line)}}\n`;
      case 'host': {
        const { sysctls, ...rest } = entry.sample;
        const y = JSON.stringify(sysctls);
        const line: HostLine = { k: 'h', t: entry.t, s: rest };
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
    }
  }
}

export type DecodeResult = { ok: true; entry: RecordingEntry } | { ok: false; reason: string };

const PROBE_PREFIX = '{"k":"p","t":';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

/** Stateful decoder, the inverse of EntryEncoder (restores the sysctl table of host lines that omit it). */
export class EntryDecoder {
  private lastSysctls: Record<string, string> = {};

  decode(text: string): DecodeResult {
    // Fast path for the bulk of a recording: probe lines written by EntryEncoder; only the raw line string is parsed.
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
    const t = v.t;
    if (typeof t !== 'number' || !Number.isFinite(t)) return { ok: false, reason: 'missing timestamp "t"' };
    switch (v.k) {
      case 'p':
        if (typeof v.l !== 'string') return { ok: false, reason: 'probe line without "l"' };
        return { ok: true, entry: { kind: 'probe', t, line: v.l } };
      case 'h': {
        if (!isRecord(v.s)) return { ok: false, reason: 'host line without sample "s"' };
        if (v.y !== undefined) {
          if (!isStringMap(v.y)) return { ok: false, reason: 'host line with a bad sysctl table "y"' };
          this.lastSysctls = v.y;
        }
        // The sample object is the writer's own HostSample minus sysctls; its fields are trusted like the header.
        const sample = { ...(v.s as unknown as Omit<HostSample, 'sysctls'>), sysctls: this.lastSysctls };
        return { ok: true, entry: { kind: 'host', t, sample } };
      }
      case 'g':
        if (typeof v.r !== 'string') return { ok: false, reason: 'gap line without reason "r"' };
        return { ok: true, entry: { kind: 'gap', t, reason: v.r, durationMs: typeof v.d === 'number' ? v.d : undefined } };
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
    return { ok: false, reason: `recording format version ${v.version} is newer than this tcpscope reads (${RECORDING_VERSION})`, future: v.version };
  }
  const d = v.description;
  if (typeof v.startedAt !== 'number' || !isRecord(d) || !isRecord(d.info) || typeof d.info.intervalMs !== 'number' || !isRecord(d.info.netns)) {
    return { ok: false, reason: 'corrupt recording header (missing startedAt or session description)' };
  }
  return { ok: true, header: v as unknown as RecordingHeader };
}
