// Reading sysctl strings as numbers, and writing the exact command that changes one in the snapshot's netns.
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

/** `sysctl -w name=value`, prefixed with `ip netns exec <name>` when the netns has a name. */
export function sysctlCommand(netns: NetnsRef | undefined, name: string, value: string | number): string {
  const v = String(value);
  const arg = /\s/.test(v) ? `${name}="${v}"` : `${name}=${v}`;
  const cmd = `sysctl -w ${arg}`;
  return netns?.name ? `ip netns exec ${netns.name} ${cmd}` : cmd;
}
