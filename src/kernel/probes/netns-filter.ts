// Keeps one namespace's rows of a whole-host bpftrace line: an incident scoped to a netns holds only its events.
// Every map of the programs is keyed by netns inode first and every detail line names it third, so a row's netns is
// read without knowing the map; a line that is neither (ticks, scalars, attach reports) is kept whole.
import { plainPrintfBody } from '../bpftrace/parse.js';
import { DETAIL_PREFIX } from './decode-fields.js';

const KEY_NETNS = /^(\d+)(?:,|$)/;
/**
 * The netns of a row: nsfs inode numbers are 32-bit (0 = the kernel could not tell, a row no netns section takes). A
 * larger first field is a socket address (scratch maps), not a netns: such a map is kept whole.
 */
const nsOf = (key: string): number | undefined => {
  const m = KEY_NETNS.exec(key);
  const n = m ? Number(m[1]) : Number.NaN;
  return n < 2 ** 32 ? n : undefined;
};

/**
 * The line with only the rows of the namespaces in `keep` (the same bpftrace JSON shape), the line itself when it
 * has no per-netns rows or only kept ones, or undefined when it is a detail line of another netns.
 */
export function probeLineForNetns(line: string, keep: ReadonlySet<number>): string | undefined {
  const body = plainPrintfBody(line);
  if (body !== undefined) {
    if (!body.startsWith(DETAIL_PREFIX)) return line;
    const ns = Number(body.slice(DETAIL_PREFIX.length).split(' ', 2)[1]);
    return Number.isInteger(ns) && !keep.has(ns) ? undefined : line;
  }
  if (!line.includes('"map"')) return line;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return line; // the decoder counts it as a bad line, as live
  }
  if (typeof v !== 'object' || v === null || (v as { type?: unknown }).type !== 'map') return line;
  const data = (v as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return line;
  const names = Object.keys(data);
  if (names.length !== 1) return line;
  const rows = (data as Record<string, unknown>)[names[0]!];
  if (typeof rows !== 'object' || rows === null || Array.isArray(rows)) return line;
  const keys = Object.keys(rows);
  if (keys.some((k) => nsOf(k) === undefined)) return line;
  const kept = keys.filter((k) => keep.has(nsOf(k)!));
  if (kept.length === keys.length) return line;
  const out: Record<string, unknown> = {};
  for (const k of kept) out[k] = (rows as Record<string, unknown>)[k];
  // bpftrace's own spacing, so the line reads like one it printed (an empty map is printed as {} too).
  return `{"type": "map", "data": {${JSON.stringify(names[0])}: ${JSON.stringify(out)}}}`;
}
