// Validates the probe filters and turns them into bpftrace positional parameters: no user string enters program text.
import { usageError } from '../../errors.js';
import type { Capabilities } from '../capabilities.js';

export interface ProbeParams {
  /** Netns inode to watch, 0 = every namespace. */
  netnsInode: number;
  /** TCP port (local or remote), 0 = every port. */
  port: number;
  /** Print interval in ms. */
  intervalMs: number;
  /** Detail lines (rare events) per interval before they are only counted in @suppressed. */
  detailCap?: number;
  /** Features (probes/*.bt `feature:`) to leave out, e.g. ['connlat']. */
  exclude?: readonly string[];
}

export const DEFAULT_DETAIL_CAP = 20;

function int(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw usageError(`${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return v;
}

/** Number of a named enum entry in a reason table, or undefined. */
function numberOf(table: Map<number, string> | undefined, name: string): number | undefined {
  if (!table) return undefined;
  for (const [n, label] of table) if (label === name) return n;
  return undefined;
}

/**
 * Positional parameters of the assembled program:
 * $1 netns inode, $2 port, $3 interval ms, $4 detail cap, $5 TCP_LISTEN_OVERFLOW drop reason number (-1 if none),
 * $6 lowest drop reason that is a real drop (NOT_SPECIFIED's number: below it are NOT_DROPPED_YET and CONSUMED),
 * $7 QUEUE_PURGE's number (-1 if none): queues purged when a socket is destroyed, about one per closed connection
 * under churn; not a network drop, and skipping it in the predicate keeps the probe cheap on a busy host.
 */
export function programArgs(caps: Capabilities, p: ProbeParams): string[] {
  const netns = int('netns inode', p.netnsInode, 0, 0xffffffff);
  const port = int('port', p.port, 0, 65535);
  const interval = int('interval (ms)', p.intervalMs, 10, 3_600_000);
  const cap = int('detail cap', p.detailCap ?? DEFAULT_DETAIL_CAP, 0, 100_000);
  const overflow = numberOf(caps.dropReasons, 'TCP_LISTEN_OVERFLOW') ?? -1;
  const firstDrop = numberOf(caps.dropReasons, 'NOT_SPECIFIED') ?? 0;
  const purge = numberOf(caps.dropReasons, 'QUEUE_PURGE') ?? -1;
  return [netns, port, interval, cap, overflow, firstDrop, purge].map(String);
}
