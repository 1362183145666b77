// Per-(netns, reason) rows of one batch: merged when two numbers share a name, and the resets pre-6.10 kernels do not
// trace added from their NO_SOCKET drops.
import type { ReasonCount } from '../../model/probe-batch.js';
import { pad } from './decode-fields.js';

/**
 * Before 6.10, tcp:tcp_send_reset has no reason field and does not fire for the RST answering a segment that matched
 * no socket (a SYN to a closed port): that segment is freed as a NO_SOCKET drop right after the RST is sent (6.1's
 * tcp_v4_rcv/tcp_v6_rcv), so those drops are the missing resets. Only an RST arriving at a closed port is counted
 * too (no RST answers an RST): rare, and documented.
 */
export function withNoSocketResets(resets: ReasonCount[], drops: readonly ReasonCount[]): ReasonCount[] {
  const noSocket = drops.filter((d) => d.reason === 'NO_SOCKET');
  return noSocket.length === 0 ? resets : mergeReasons([...resets, ...noSocket.map((d) => ({ ...d }))]);
}

/** Sums rows with the same (netns, reason) (two numbers can share a name, e.g. UNKNOWN) and sorts them. */
export function mergeReasons(rows: ReasonCount[]): ReasonCount[] {
  const acc = new Map<string, ReasonCount>();
  for (const r of rows) {
    const k = `${pad(r.netns)} ${r.reason}`;
    const prev = acc.get(k);
    if (prev) prev.count += r.count;
    else acc.set(k, { ...r });
  }
  return [...acc.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}
