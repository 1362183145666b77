// Reading sysctl strings as numbers, and writing the exact command that changes one in the snapshot's netns.
import { sysctlNowCommand } from './persist-advice.js';
import type { NetnsRef } from '../model/host-sample.js';

const parsed = new Map<string, number | undefined>();

/** First integer of a sysctl value ("4096", "32768\t60999" → 32768), undefined when absent or not numeric. */
export function sysctlNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Every rule reads the same few values every interval: parse each distinct string once.
  let n = parsed.get(value);
  if (n === undefined && !parsed.has(value)) {
    const m = /^\s*(-?\d+)/.exec(value);
    n = m ? Number(m[1]) : undefined;
    if (parsed.size >= 4096) parsed.clear();
    parsed.set(value, n);
  }
  return n;
}

/** `sysctl -w name=value` in the netns: `ip netns exec <name>`, `nsenter -t <pid> -n` for a container, else as is. */
export function sysctlCommand(netns: NetnsRef | undefined, name: string, value: string | number): string {
  return sysctlNowCommand(netns, name, value);
}
