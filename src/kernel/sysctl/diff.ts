// Detects sysctl changes between two polls (someone ran sysctl -w during the session).
import type { SysctlChange } from '../../model/snapshot.js';

/** One change per name whose value differs, appeared or disappeared; sorted by name for stable output. */
export function diffSysctls(prev: Record<string, string>, cur: Record<string, string>, t: number): SysctlChange[] {
  // Unchanged tables are the rule (a replay even hands over the same object): compare, and sort only the changes.
  if (prev === cur) return [];
  const out: SysctlChange[] = [];
  for (const name in cur) {
    const o = prev[name];
    if (o !== cur[name]) out.push({ name, old: o, new: cur[name], t });
  }
  for (const name in prev) if (!(name in cur)) out.push({ name, old: prev[name], new: undefined, t });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
