// Parses /proc/net/{netstat,snmp,snmp6} into nstat names (TcpExtListenOverflows, TcpActiveOpens, Ip6InReceives).
// Whole-host mode parses these for every busy netns every interval: the name lines never change on a running kernel,
// so their split (and the concatenated, interned key strings) is cached and only the value lines are scanned.

/** `Prefix: name name...` header line -> `<Prefix><name>` keys (a handful of distinct lines per kernel). */
const headerCache = new Map<string, string[]>();
const HEADER_CACHE_MAX = 64;

function namesOf(head: string, c1: number): string[] {
  let names = headerCache.get(head);
  if (names) return names;
  const prefix = head.slice(0, c1);
  names = head
    .slice(c1 + 1)
    .trim()
    .split(/\s+/)
    .map((n) => (n ? prefix + n : ''));
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  headerCache.set(head, names);
  return names;
}

const SPACE = 0x20;
const TAB = 0x09;
const MINUS = 0x2d;
const isSpace = (c: number): boolean => c === SPACE || c === TAB || c === 0x0d;

/** Integer tokens of `s` from `from` (space separated); a token that is not an integer yields NaN. */
function values(s: string, from: number): number[] {
  const out: number[] = [];
  const end = s.length;
  let p = from;
  for (;;) {
    while (p < end && isSpace(s.charCodeAt(p))) p++;
    if (p >= end) return out;
    const start = p;
    let neg = false;
    if (s.charCodeAt(p) === MINUS) {
      neg = true;
      p++;
    }
    let v = 0;
    let digits = 0;
    for (; p < end; p++) {
      const d = s.charCodeAt(p) - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      digits++;
    }
    if (p < end && !isSpace(s.charCodeAt(p))) {
      while (p < end && !isSpace(s.charCodeAt(p))) p++;
      out.push(Number(s.slice(start, p)));
      continue;
    }
    // More than 15 digits can exceed 2^53: let Number() round exactly as before.
    out.push(digits === 0 ? NaN : digits > 15 ? Number(s.slice(start, p)) : neg ? -v : v);
  }
}

/**
 * /proc/net/netstat and /proc/net/snmp: pairs of lines `Prefix: name name...` / `Prefix: value value...`.
 * Each counter becomes `<Prefix><name>` (the nstat / node_exporter naming). Malformed pairs are skipped.
 */
export function parseSnmpPairs(text: string, out: Record<string, number> = {}): Record<string, number> {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const head = lines[i] ?? '';
    const vals = lines[i + 1] ?? '';
    const c1 = head.indexOf(':');
    const c2 = vals.indexOf(':');
    if (c1 <= 0 || c2 <= 0) continue;
    if (c1 !== c2 || !vals.startsWith(head.slice(0, c1))) {
      // Out of step (should not happen): resynchronise on the next line.
      i -= 1;
      continue;
    }
    const names = namesOf(head, c1);
    const vs = values(vals, c2 + 1);
    const n = Math.min(names.length, vs.length);
    for (let k = 0; k < n; k++) {
      const v = vs[k]!;
      const name = names[k];
      if (name && Number.isFinite(v)) out[name] = v;
    }
  }
  return out;
}

/** snmp6 names by line position, from the last parse (the same on every netns of a kernel). */
const snmp6Names: string[] = [];

/** /proc/net/snmp6: one `Name value` per line, names already nstat-style (Ip6InReceives, Udp6InDatagrams). */
export function parseSnmp6(text: string, out: Record<string, number> = {}): Record<string, number> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let name = snmp6Names[i];
    if (name === undefined || !line.startsWith(name) || !isSpace(line.charCodeAt(name.length))) {
      const m = /^(\S+)\s/.exec(line);
      if (!m?.[1]) continue;
      name = snmp6Names[i] = m[1];
    }
    const vs = values(line, name.length);
    if (vs.length === 1 && Number.isInteger(vs[0])) out[name] = vs[0]!;
  }
  return out;
}
