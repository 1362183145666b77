// Naming a listener the way an operator recognises it (addr:port, pid, comm) and picking the one a finding is about.
import type { Snapshot } from '../model/snapshot.js';

export type SnapshotListener = Snapshot['census']['listeners'][number];

export function endpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** "pid 812 (nginx)", or "the process owning it" when unknown. */
export function owner(pid: number | undefined, comm: string | undefined): string {
  if (pid === undefined) return 'the process owning it (unknown pid)';
  return comm ? `pid ${pid} (${comm})` : `pid ${pid}`;
}

/** The fullest listener: at capacity first, then by queue / capacity. */
export function fullestListener(listeners: readonly SnapshotListener[]): SnapshotListener | undefined {
  let best: SnapshotListener | undefined;
  let bestScore = -1;
  for (const l of listeners) {
    const score = (l.atCapacity ? 2 : 0) + (l.capacity > 0 ? l.queue / l.capacity : 0);
    if (score > bestScore) {
      best = l;
      bestScore = score;
    }
  }
  return best;
}

/** Find the census listener matching an eBPF per-listener row (wildcard binds match any address). */
export function matchListener(
  listeners: readonly SnapshotListener[],
  laddr: string,
  lport: number,
): SnapshotListener | undefined {
  return (
    listeners.find((l) => l.port === lport && l.addr === laddr) ??
    listeners.find((l) => l.port === lport && (l.addr === '0.0.0.0' || l.addr === '::'))
  );
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
