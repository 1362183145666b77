// Parses /proc/net/sockstat{,6} (`TCP: inuse 3 orphan 0 tw 5 alloc 9 mem 2`) into `TCP.inuse`-style keys.

/** Keys are `<PROTO>.<field>`: `TCP.inuse`, `TCP.tw`, `TCP6.inuse`, `sockets.used`, `FRAG.memory`. */
export function parseSockstat(text: string, out: Record<string, number> = {}): Record<string, number> {
  for (const line of text.split('\n')) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const proto = line.slice(0, c);
    const parts = line
      .slice(c + 1)
      .trim()
      .split(/\s+/);
    for (let k = 0; k + 1 < parts.length; k += 2) {
      const v = Number(parts[k + 1]);
      if (Number.isFinite(v)) out[`${proto}.${parts[k]}`] = v;
    }
  }
  return out;
}
