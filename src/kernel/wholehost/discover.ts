// Finds every network namespace cheaply each poll: readlink /proc/*/ns/net (processes) + stat /run/netns/* (named,
// possibly without any process), plus inodes the probes reported; picks a name, a pid and an nsenter path for each.
import { namedNetns, netnsOfPid, pidsByNetns, RUN_NETNS } from '../netns/scan.js';
import type { NetnsTarget } from '../netns/resolve.js';

export interface DiscoveredNetns {
  target: NetnsTarget;
  /** Processes inside, ascending (none for an `ip netns add`-only namespace; our holders excluded). */
  pids: number[];
}

export interface Discovery {
  found: Map<number, DiscoveredNetns>;
  /** Inodes seen in probe output that have neither a process nor a name: not readable from here. */
  orphans: number[];
}

/**
 * `extra`: inodes seen in probe output since the last poll. `ours`: pids of our own holder processes: a netns whose
 * only processes are holders and which lost its name (`ip netns del`) is gone, so its reader (and holder) can go.
 */
export async function discoverNetns(
  extra: Iterable<number> = [],
  ours: ReadonlySet<number> = new Set(),
): Promise<Discovery> {
  const [byPid, names, self] = await Promise.all([pidsByNetns(), namedNetns(), netnsOfPid(process.pid)]);
  const found = new Map<number, DiscoveredNetns>();
  for (const inode of new Set([...byPid.keys(), ...names.keys()])) {
    const pids = (byPid.get(inode) ?? []).filter((p) => p !== process.pid && !ours.has(p));
    const name = names.get(inode)?.[0];
    if (pids.length === 0 && name === undefined && inode !== self) continue;
    const isSelf = inode === self;
    const pid = isSelf ? process.pid : pids[0];
    const path = isSelf
      ? `/proc/${process.pid}/ns/net`
      : name !== undefined
        ? `${RUN_NETNS}/${name}`
        : `/proc/${String(pid)}/ns/net`;
    found.set(inode, { target: { inode, name, path, pid, isSelf }, pids });
  }
  const orphans = [...new Set(extra)].filter((i) => i > 0 && !found.has(i)).sort((a, b) => a - b);
  return { found, orphans };
}
