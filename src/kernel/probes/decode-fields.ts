// The line and field readers of the probe decoder: markers, detail kinds, in-place integer parsing, sort keys.
import { parseLine, type MapScalar } from '../bpftrace/parse.js';
import { stateName } from '../tcp-states.js';
import type { ProbeDetail } from '../../model/probe-batch.js';
import { DETAIL_MARKER, TICK_MARKER } from './program.js';
import { LATENCY_PEAKS } from './latency-decode.js';
import { REMOTE_PEAKS } from './remote-decode.js';

/** Reason number -> name tables of the traced kernel (plain objects: they are stored in recordings as JSON). */
export interface ReasonTables {
  dropReasons?: Record<number, string>;
  resetReasons?: Record<number, string>;
}

export interface DecoderStats {
  lines: number;
  badLines: number;
  batches: number;
  lost: number;
}

/** Line prefixes, built once (a template in the hot path would build a string per line). */
export const TICK_PREFIX = `${TICK_MARKER} `;
export const DETAIL_PREFIX = `${DETAIL_MARKER} `;

/** Queue gauges: last values, never counts. */
export const GAUGES = new Set<string>(['@sab', '@sam', '@saq', ...LATENCY_PEAKS, ...REMOTE_PEAKS]);

/** Drop "reasons" that are not drops. */
export const NOT_DROPS = new Set(['NOT_DROPPED_YET', 'CONSUMED']);
export const DETAIL_KINDS: readonly ProbeDetail['kind'][] = [
  'reset-sent',
  'reset-received',
  'synack-retrans',
  'listen-drop',
];

/** The detail kind spelled at s[from, to) (compared in place: no string per line). */
export function detailKind(s: string, from: number, to: number): ProbeDetail['kind'] | undefined {
  for (const k of DETAIL_KINDS) if (k.length === to - from && s.startsWith(k, from)) return k;
  return undefined;
}

/** State name for a probe's state number; 0 means "no socket" (e.g. RST sent for a packet matching no socket). */
export function state(n: number): string {
  return n === 0 ? 'NONE' : stateName(n);
}

export function reasonName(table: Record<number, string> | undefined, n: number): string {
  if (!table) return 'UNKNOWN';
  return table[n] ?? `UNKNOWN_${n}`;
}

export interface Pending {
  maps: Map<string, Map<string, number>>;
  scalars: Map<string, number>;
  details: ProbeDetail[];
  lost: number;
}

export const fresh = (): Pending => ({ maps: new Map(), scalars: new Map(), details: [], lost: 0 });

export const num = (v: MapScalar): number => (typeof v === 'number' ? v : Number(v));
export const int = (s: string | undefined): number | undefined => {
  if (s === undefined || !/^-?\d+$/.test(s)) return undefined;
  return Number(s);
};

/**
 * The decimal integer (optional '-', digits only) in s[from, to), or undefined. Detail lines are most of a busy
 * replay: this reads the field in place instead of slicing and converting it.
 */
export function intIn(s: string, from: number, to: number): number | undefined {
  let i = from;
  const neg = i < to && s.charCodeAt(i) === 0x2d;
  if (neg) i++;
  if (i >= to || to - i > 15) return undefined;
  let v = 0;
  for (; i < to; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/** Fields of a detail line before comm: the marker, kind, netns, saddr, sport, daddr, dport, state, reason, pid. */
export const DETAIL_FIELDS = 10;

export const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T): number => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
export const pad = (n: number): string => String(n).padStart(10, '0');

/** Is this raw line the end-of-interval marker? */
export function isTickLine(line: string): boolean {
  if (!line.includes(TICK_MARKER)) return false;
  const ev = parseLine(line);
  return ev.type === 'printf' && ev.text.startsWith(TICK_PREFIX);
}

/** Is this raw line bpftrace's "probes attached" report (tracing has started)? */
export function isAttachedLine(line: string): boolean {
  if (!line.includes('attached_probes')) return false;
  return parseLine(line).type === 'attached_probes';
}
