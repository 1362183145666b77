// The ring's own line for a bpftrace map print: only the rows that changed since the same map's previous print in
// the segment. Count maps are cumulative since attach and printed whole every interval (whole host: every netns's
// rows), so without this a ring would hold the same rows again each interval. Ring-internal: never written to a file;
// decoded, the line is byte for byte what bpftrace printed (a delta is made only when that is certain).
import type { ProbeLineInput } from '../model/inputs.js';

type Rows = Record<string, unknown>;
/**
 * `{"k":"M","t":…,"n":"@lt","o":[row ids in print order],"c":{id: value changed},"a":{id: key first seen}}`. bpftrace
 * prints a map sorted by value, so the order moves every interval: it is kept as small ids (numbered in the order keys
 * are first seen in the segment), about 5 bytes a row instead of the key and value again.
 */
interface MapLine {
  k: 'M';
  t: number;
  n: string;
  o: number[];
  c: Record<string, unknown>;
  a?: Record<string, string>;
}
export const MAP_LINE_PREFIX = '{"k":"M",';
const MAP_MARK = '{"type": "map", "data": {';

/** One map's state in a segment: key ids and the last value of each. */
class MapState {
  readonly ids = new Map<string, number>();
  readonly keys: string[] = [];
  readonly values: unknown[] = [];
}

/** The rows of a single-map print `{"type": "map", "data": {"@name": {…}}}`, or undefined for any other line. */
function mapRows(line: string): { name: string; rows: Rows } | undefined {
  if (!line.startsWith(MAP_MARK)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  const data = (v as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return undefined;
  const names = Object.keys(data);
  const rows = names.length === 1 ? (data as Rows)[names[0]!] : undefined;
  if (typeof rows !== 'object' || rows === null || Array.isArray(rows)) return undefined;
  return { name: names[0]!, rows: rows as Rows };
}

/** A map print exactly as bpftrace 0.17 writes it (`, ` and `: ` separators), rows in the given key order. */
function mapPrint(name: string, keys: readonly string[], rows: Rows): string {
  let body = '';
  for (const k of keys) body += `${body === '' ? '' : ', '}${JSON.stringify(k)}: ${JSON.stringify(rows[k])}`;
  return `${MAP_MARK}${JSON.stringify(name)}: {${body}}}}`;
}

export class MapDeltaEncoder {
  private readonly maps = new Map<string, MapState>();

  /** The ring line for a probe input when a delta is smaller than the line; undefined: store it as a recording does. */
  encode(input: ProbeLineInput): string | undefined {
    const m = mapRows(input.line);
    if (!m) return undefined;
    const keys = Object.keys(m.rows);
    let st = this.maps.get(m.name);
    const first = !st;
    if (!st) this.maps.set(m.name, (st = new MapState()));
    // JSON.parse orders integer-like keys first: such a line cannot be rebuilt from the object, so it stays whole.
    const exact = mapPrint(m.name, keys, m.rows) === input.line;
    const o: number[] = [];
    const c: Record<string, unknown> = {};
    const a: Record<string, string> = {};
    for (const k of keys) {
      let id = st.ids.get(k);
      const v = m.rows[k];
      if (id === undefined) {
        id = st.keys.length;
        st.ids.set(k, id);
        st.keys.push(k);
        st.values.push(undefined);
        a[id] = k;
      }
      if (st.values[id] !== v) c[id] = v;
      st.values[id] = v;
      o.push(id);
    }
    // The first print of a map in a segment is stored whole (the decoder learns its keys from it).
    if (first || !exact) return undefined;
    const line: MapLine = { k: 'M', t: input.t, n: m.name, o, c, ...(Object.keys(a).length > 0 ? { a } : {}) };
    return JSON.stringify(line);
  }
}

export class MapDeltaDecoder {
  private readonly maps = new Map<string, MapState>();

  /** Notes a map print stored whole: its keys get ids and values as the encoder gave them. */
  saw(input: ProbeLineInput): void {
    const m = mapRows(input.line);
    if (!m) return;
    let st = this.maps.get(m.name);
    if (!st) this.maps.set(m.name, (st = new MapState()));
    for (const k of Object.keys(m.rows)) {
      let id = st.ids.get(k);
      if (id === undefined) {
        id = st.keys.length;
        st.ids.set(k, id);
        st.keys.push(k);
      }
      st.values[id] = m.rows[k];
    }
  }

  /** The probe input a ring map line stands for (the same line text bpftrace printed). */
  decode(text: string): ProbeLineInput {
    const v = JSON.parse(text) as MapLine;
    let st = this.maps.get(v.n);
    if (!st) this.maps.set(v.n, (st = new MapState()));
    for (const [id, k] of Object.entries(v.a ?? {})) {
      st.ids.set(k, Number(id));
      st.keys[Number(id)] = k;
    }
    for (const [id, value] of Object.entries(v.c)) st.values[Number(id)] = value;
    const keys = v.o.map((id) => st.keys[id]!);
    const rows: Rows = {};
    v.o.forEach((id) => (rows[st.keys[id]!] = st.values[id]));
    return { kind: 'probe', t: v.t, line: mapPrint(v.n, keys, rows) };
  }
}
