// Accept-queue capacity of listeners without a process per netns per interval: /proc/net/tcp shows the queue but not
// the capacity (sk_max_ack_backlog), so one `ss -ltn` (sock_diag) runs in a netns only when it has a listener whose
// capacity is unknown (new) or whose queue reached the cached capacity (re-listen may have changed it). The capacity
// of a listening socket is fixed at listen(), so it is cached per socket inode.
import { runInNetns } from '../netns/exec.js';
import type { NetnsTarget } from '../netns/resolve.js';
import { parseSsRows } from '../host/ss-table.js';
import type { Listener } from '../../model/host-sample.js';

export class CapacityCache {
  private byInode = new Map<number, number>();
  private lastRun = -Infinity;
  /** ss runs so far (self-monitoring, bench). */
  runs = 0;

  /** @param minGapPolls new listeners trigger at most one ss per this many polls (a queue at capacity always does). */
  constructor(private readonly minGapPolls = 10) {}

  needsRefresh(listeners: readonly Listener[], poll: number): boolean {
    let unknown = false;
    for (const l of listeners) {
      const cap = this.byInode.get(l.inode);
      if (cap === undefined) unknown = true;
      else if (l.queue > 0 && l.queue >= cap) return true;
    }
    return unknown && poll - this.lastRun >= this.minGapPolls;
  }

  async refresh(target: Pick<NetnsTarget, 'isSelf' | 'path'>, poll: number, notes: string[]): Promise<void> {
    this.lastRun = poll;
    this.runs++;
    const r = await runInNetns(target, 'ss', ['-ltnHe']);
    if (r.failed) {
      notes.push(
        `ss failed (${r.stderr.split('\n').find((l) => l && !l.includes('cgroup2')) ?? `exit ${String(r.exitCode)}`}): listener capacity unknown`,
      );
      return;
    }
    const next = new Map<number, number>();
    for (const row of parseSsRows(r.stdout)) if (row.inode > 0) next.set(row.inode, row.sendQ);
    this.byInode = next;
  }

  /** Listeners with the cached capacity filled in (0 = not known yet). */
  apply(listeners: Listener[]): Listener[] {
    for (const l of listeners) l.capacity = this.byInode.get(l.inode) ?? 0;
    return listeners;
  }
}
