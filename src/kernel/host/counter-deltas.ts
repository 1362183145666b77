// Interval deltas of absolute counters that survive resets (netns recreated, module reload) and 32/64-bit wrap.

const WRAP32 = 2 ** 32;

/**
 * cur - prev per key present in both. A decrease is a reset or a wrap: when prev fits in 32 bits and the
 * wrapped difference is plausible (< 2^31), it is a 32-bit wrap; otherwise the counter restarted from 0
 * and the delta is cur. A key missing from prev has no baseline and is omitted (its first delta comes next
 * interval). Gauges (sockstat, TcpCurrEstab, TcpMaxConn) are not counters: do not pass them through this.
 */
export function counterDeltas(prev: Record<string, number>, cur: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, c] of Object.entries(cur)) {
    const p = prev[k];
    if (p === undefined) continue;
    if (c >= p) {
      out[k] = c - p;
    } else if (p < WRAP32 && c < WRAP32 && WRAP32 - p + c < WRAP32 / 2) {
      out[k] = WRAP32 - p + c;
    } else {
      out[k] = c;
    }
  }
  return out;
}
