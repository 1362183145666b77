// Detects sysctl changes between two polls (someone ran sysctl -w during the session).
import type { SysctlChange } from '../../pipeline/snapshot.js';

/** One change per name whose value differs, appeared or disappeared; sorted by name for stable output. */
export function diffSysctls(prev: Record<string, string>, cur: Record<string, string>, t: number): SysctlChange[] {
  const names = [...new Set([...Object.keys(prev), ...Object.keys(cur)])].sort();
  const out: SysctlChange[] = [];
  for (const name of names) {
    const o = prev[name];
    const n = cur[name];
    if (o !== n) out.push({ name, old: o, new: n, t });
  }
  return out;
}
