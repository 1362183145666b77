// Socket inode -> owning pid/comm via readlink /proc/PID/fd/* (`socket:[inode]`), cached: a rescan happens only
// when a wanted inode is unknown, at most once per `minIntervalMs`, and stops as soon as every wanted inode is found.
// The rescan runs in the background (seconds at 50k sockets): a poll waits for it at most `waitMs` (200 ms: enough
// for a normal host), else the owners it finds appear in the next poll.
import { readdir, readlink } from 'node:fs/promises';
import { commOf, pidsByNetns } from '../netns/scan.js';

export interface Owner {
  pid: number;
  comm: string;
}

export class OwnerIndex {
  private cache = new Map<number, Owner>();
  private lastScan = -Infinity;
  private scanning: Promise<void> | undefined;
  /** Duration of the last rescan: rescans are spaced by 10x it, so owner lookup costs at most ~10 % of a core. */
  private lastScanMs = 0;
  /** Rescans so far (self-monitoring, tests). */
  scans = 0;

  constructor(
    private readonly netnsInode: number,
    private readonly minIntervalMs: number,
    private readonly waitMs = 200,
  ) {}

  /** Owners of the wanted inodes that are known; inode 0 (orphans, timewait) never has one. */
  async lookup(wanted: Iterable<number>, now = Date.now()): Promise<Map<number, Owner>> {
    const want = new Set([...wanted].filter((i) => i > 0));
    const missing = [...want].filter((i) => !this.cache.has(i));
    if (
      missing.length > 0 &&
      !this.scanning &&
      now - this.lastScan >= Math.max(this.minIntervalMs, 10 * this.lastScanMs)
    ) {
      this.lastScan = now;
      this.scans++;
      const started = performance.now();
      this.scanning = this.scan(new Set(missing))
        .then(() => {
          this.lastScanMs = performance.now() - started;
        })
        .catch(() => undefined)
        .finally(() => {
          this.scanning = undefined;
        });
    }
    if (this.scanning) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.scanning, new Promise<void>((r) => (timer = setTimeout(r, this.waitMs)))]);
      clearTimeout(timer);
    }
    const out = new Map<number, Owner>();
    for (const i of want) {
      const o = this.cache.get(i);
      if (o) out.set(i, o);
    }
    // Forget sockets that are gone so the cache stays as small as the wanted set (not while a scan fills it).
    if (!this.scanning) for (const i of this.cache.keys()) if (!want.has(i)) this.cache.delete(i);
    return out;
  }

  private async scan(missing: Set<number>): Promise<void> {
    const pids = (await pidsByNetns()).get(this.netnsInode) ?? [];
    for (const pid of pids) {
      if (missing.size === 0) return;
      let fds: string[];
      try {
        fds = await readdir(`/proc/${pid}/fd`);
      } catch {
        continue; // exited, or not ours to read
      }
      const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
      let comm: string | undefined;
      for (const l of links) {
        if (!l.startsWith('socket:[')) continue;
        const ino = Number(l.slice(8, -1));
        if (this.cache.has(ino) && !missing.has(ino)) continue;
        comm ??= (await commOf(pid)) ?? '?';
        // Lowest pid wins (pids are sorted): the parent of forked workers sharing a listener.
        if (!this.cache.has(ino)) this.cache.set(ino, { pid, comm });
        missing.delete(ino);
      }
    }
  }
}
