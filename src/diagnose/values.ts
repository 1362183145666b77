// Reading sysctl strings as numbers, and writing the exact command that changes one in the snapshot's netns.
import type { NetnsRef } from '../kernel/host/sample.js';

/** First integer of a sysctl value ("4096", "32768\t60999" → 32768), undefined when absent or not numeric. */
export function sysctlNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(-?\d+)/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/** `sysctl -w name=value`, prefixed with `ip netns exec <name>` when the netns has a name. */
export function sysctlCommand(netns: NetnsRef | undefined, name: string, value: string | number): string {
  const v = String(value);
  const arg = /\s/.test(v) ? `${name}="${v}"` : `${name}=${v}`;
  const cmd = `sysctl -w ${arg}`;
  return netns?.name ? `ip netns exec ${netns.name} ${cmd}` : cmd;
}

/** The hint that makes a runtime change survive a reboot. */
export function persistHint(name: string, value: string | number): string {
  return `persist it: echo '${name} = ${value}' > /etc/sysctl.d/90-tcpscope.conf && sysctl --system`;
}
