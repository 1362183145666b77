// Parses /proc/net/{netstat,snmp,snmp6} into nstat names (TcpExtListenOverflows, TcpActiveOpens, Ip6InReceives).

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
    const prefix = head.slice(0, c1);
    if (vals.slice(0, c2) !== prefix) {
      // Out of step (should not happen): resynchronise on the next line.
      i -= 1;
      continue;
    }
    const names = head
      .slice(c1 + 1)
      .trim()
      .split(/\s+/);
    const values = vals
      .slice(c2 + 1)
      .trim()
      .split(/\s+/);
    const n = Math.min(names.length, values.length);
    for (let k = 0; k < n; k++) {
      const v = Number(values[k]);
      const name = names[k];
      if (name && Number.isFinite(v)) out[prefix + name] = v;
    }
  }
  return out;
}

/** /proc/net/snmp6: one `Name value` per line, names already nstat-style (Ip6InReceives, Udp6InDatagrams). */
export function parseSnmp6(text: string, out: Record<string, number> = {}): Record<string, number> {
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(-?\d+)\s*$/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = Number(m[2]);
  }
  return out;
}
