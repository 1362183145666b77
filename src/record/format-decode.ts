// Reading a recording back: the header check and the line decoder (the inverse of EntryEncoder in format.ts).
import { counterDelta } from '../kernel/host/counter-deltas.js';
import type { HostSample } from '../model/host-sample.js';
import type { HostInput, ProbeLineInput } from '../model/inputs.js';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingEntry, type RecordingHeader } from './format.js';

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
