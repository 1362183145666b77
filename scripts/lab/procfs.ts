// Pure parsers for the kernel's own ground truth: /proc/net/{netstat,snmp,snmp6,sockstat,sockstat6} and `ss -tan`.
// Nothing here imports tcpscope code (src/): the lab must stay an independent witness.

/** Parses /proc/net/netstat or /proc/net/snmp ("Prefix: names" / "Prefix: values" line pairs) into nstat names. */
export function parseProcPairs(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const head = lines[i] ?? '';
    const vals = lines[i + 1] ?? '';
    const hp = head.indexOf(':');
    const vp = vals.indexOf(':');
    if (hp < 0 || vp < 0) continue;
    const prefix = head.slice(0, hp);
    if (vals.slice(0, vp) !== prefix) {
      // out of step (should not happen): resynchronise one line later
      i -= 1;
      continue;
    }
    const names = head
      .slice(hp + 1)
      .trim()
      .split(/\s+/);
    const values = vals
      .slice(vp + 1)
      .trim()
      .split(/\s+/);
    names.forEach((n, k) => {
      const v = Number(values[k]);
      if (n !== '' && Number.isFinite(v)) out[`${prefix}${n}`] = v;
    });
  }
  return out;
}

/** Parses /proc/net/snmp6 ("Ip6InReceives  123" per line); names are already nstat-style. */
export function parseSnmp6(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(-?\d+)\s*$/.exec(line);
    if (m && m[1] !== undefined && m[2] !== undefined) out[m[1]] = Number(m[2]);
  }
  return out;
}

/**
 * Parses /proc/net/sockstat and sockstat6 ("TCP: inuse 1 orphan 0 tw 3 alloc 4 mem 1") into keys like
 * `TCP_inuse`, `TCP_tw`, `TCP6_inuse`, `sockets_used`. Only the TCP lines and `sockets` are kept.
 * Note: on Linux `inuse` and `tw` are per network namespace, `orphan`, `alloc` and `mem` are global.
 */
export function parseSockstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(.*)$/.exec(line.trim());
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    const proto = m[1];
    if (proto !== 'TCP' && proto !== 'TCP6' && proto !== 'sockets') continue;
    const parts = m[2].trim().split(/\s+/);
    for (let k = 0; k + 1 < parts.length; k += 2) {
      const v = Number(parts[k + 1]);
      if (Number.isFinite(v)) out[`${proto}_${parts[k] ?? ''}`] = v;
    }
  }
  return out;
}

/** `ss` state names → kernel-style names used as census keys. */
const SS_STATES: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  UNCONN: 'CLOSE',
  CLOSE: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

export const CENSUS_STATES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
] as const;

/** Counts sockets per state from `ss -tan` output (header line optional). Every known state is present (0 if none). */
export function parseSsCensus(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of CENSUS_STATES) out[s] = 0;
  for (const line of text.split('\n')) {
    const first = line.trim().split(/\s+/)[0];
    if (first === undefined || first === '' || first === 'State') continue;
    const st = SS_STATES[first] ?? first;
    out[st] = (out[st] ?? 0) + 1;
  }
  return out;
}

/** Listening sockets from `ss -ltnH`: local port → {recvQ (accept queue now), sendQ (its capacity)}. */
export function parseSsListeners(text: string): Array<{ port: number; recvQ: number; sendQ: number }> {
  const out: Array<{ port: number; recvQ: number; sendQ: number }> = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== 'LISTEN' || f.length < 4) continue;
    const local = f[3] ?? '';
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    out.push({ port, recvQ: Number(f[1]), sendQ: Number(f[2]) });
  }
  return out;
}

/** Owner pids of sockets from `ss -tanpH` lines: users:(("node",pid=123,fd=4)) → [{state, comm, pid}]. */
export function parseSsOwners(text: string): Array<{ state: string; comm: string; pid: number }> {
  const out: Array<{ state: string; comm: string; pid: number }> = [];
  for (const line of text.split('\n')) {
    const first = line.trim().split(/\s+/)[0];
    if (first === undefined || first === '' || first === 'State') continue;
    const state = SS_STATES[first] ?? first;
    const re = /\("([^"]*)",pid=(\d+),fd=\d+\)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) {
      if (m[1] !== undefined && m[2] !== undefined) out.push({ state, comm: m[1], pid: Number(m[2]) });
    }
  }
  return out;
}

/** after − before for every counter; keeps non-zero deltas plus the names in `always`. */
export function counterDeltas(
  before: Record<string, number>,
  after: Record<string, number>,
  always: readonly string[] = [],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  for (const k of always) if (!(k in out)) out[k] = (after[k] ?? 0) - (before[k] ?? 0);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Parses durations like "10s", "500ms", "2m", "1500" (ms). */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m || m[1] === undefined) throw new Error(`bad duration: ${s} (use e.g. 10s, 500ms, 2m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000);
}

/**
 * Expected SYN (client) retransmit schedule on this kernel: returns {retransmits, giveUpMs}.
 * Initial RTO 1 s. Since 6.5 (tcp_syn_linear_timeouts, default 4) the first `linearTimeouts` timeouts keep the RTO
 * (no doubling) and the retransmit limit becomes synRetries + linearTimeouts (SYN_SENT only). The connect is *also*
 * abandoned once the time since the first SYN reaches the classic budget for synRetries,
 * tcp_model_timeout() = (2^(synRetries+1) − 1) s (capped at TCP_RTO_MAX per step past 6): whichever comes first.
 * So syn_retries=6 → 10 retransmits, give-up 131 s; syn_retries=2 → 5 retransmits (1,2,3,4,5 s), give-up 7 s.
 * linearTimeouts = 0 (or a pre-6.5 kernel) gives the classic 1,3,7,15,31,63 s schedule (give-up 127 s for 6).
 * Measured on 6.18 by the syn-timeout scenario.
 */
export function expectedSynSchedule(
  synRetries: number,
  linearTimeouts: number,
): { retransmits: number; giveUpMs: number } {
  const max = synRetries + linearTimeouts;
  const thresh = 6; // ilog2(TCP_RTO_MAX / TCP_TIMEOUT_INIT) = ilog2(120)
  const budget =
    synRetries <= thresh
      ? ((2 << synRetries) - 1) * 1000
      : ((2 << thresh) - 1) * 1000 + (synRetries - thresh) * 120_000;
  let t = 0;
  let rto = 1000;
  let k = 0;
  for (;;) {
    t += rto; // the retransmit timer fires
    if (k >= max || t >= budget) return { retransmits: k, giveUpMs: t };
    k++;
    if (k > linearTimeouts) rto = Math.min(rto * 2, 120_000);
  }
}
