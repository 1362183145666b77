// What runs in each netns of the whole-host view, each poll, cheaply: the cgroup hints of a netns's processes are
// cached and re-read only when its pid set changes (or every `rereadEvery` polls); the owner is re-decided from the
// cached hints every poll (map lookups in the engines' event-fed caches), so a rename shows within an interval.
import type { NetnsOwner } from '../../model/host-sample.js';
import type { NetnsHints, NetnsNamer } from '../runtimes/namer.js';

export interface OwnedTarget {
  inode: number;
  /** Processes inside, ascending (as discovery found them). */
  pids: number[];
  /** `ip netns` name, if any (an ip-netns-only netns keeps its name, no owner). */
  name: string | undefined;
}

interface Cached {
  key: string;
  hints: NetnsHints;
  readAt: number;
  owner: NetnsOwner | undefined;
}

export interface NetnsOwnersOptions {
  /** Cgroup hints are re-read at least every this many polls even with the same pids (default 10). */
  rereadEvery?: number;
  /** Processes whose cgroup is read per netns (the namer's own limit applies too; default 16). */
  maxPids?: number;
}

export class NetnsOwners {
  private readonly cache = new Map<number, Cached>();
  private polls = 0;
  /** Cgroup files read (self-monitoring and tests: a quiet host re-reads nothing between rereads). */
  hintReads = 0;
  /** Wall time of the last `update` (ms). */
  lastMs = 0;
  private readonly rereadEvery: number;
  private readonly maxPids: number;

  constructor(
    private readonly namer: NetnsNamer,
    opts: NetnsOwnersOptions = {},
  ) {
    this.rereadEvery = Math.max(1, opts.rereadEvery ?? 10);
    this.maxPids = Math.max(1, opts.maxPids ?? 16);
  }

  /**
   * Owners of `targets` now (known ones only). Namespaces neither listed nor in `keep` (rows not readable this poll,
   * which keep their last owner) are forgotten.
   */
  async update(targets: OwnedTarget[], keep: Iterable<number> = []): Promise<Map<number, NetnsOwner>> {
    const t0 = performance.now();
    const poll = this.polls++;
    const present = new Set([...targets.map((t) => t.inode), ...keep]);
    for (const inode of this.cache.keys()) if (!present.has(inode)) this.cache.delete(inode);
    const out = new Map<number, NetnsOwner>();
    await Promise.all(
      targets.map(async (t) => {
        const owner = await this.ownerOf(t, poll);
        if (owner) out.set(t.inode, owner);
      }),
    );
    this.lastMs = Math.round((performance.now() - t0) * 100) / 100;
    return out;
  }

  /** The owner last decided for a netns (e.g. for a row that could not be read this poll). */
  last(inode: number): NetnsOwner | undefined {
    return this.cache.get(inode)?.owner;
  }

  private async ownerOf(t: OwnedTarget, poll: number): Promise<NetnsOwner | undefined> {
    if (t.pids.length === 0) {
      this.cache.delete(t.inode);
      return undefined;
    }
    const pids = t.pids.slice(0, this.maxPids);
    const key = pids.join(',');
    let c = this.cache.get(t.inode);
    if (!c || c.key !== key || poll - c.readAt >= this.rereadEvery) {
      this.hintReads += pids.length;
      const hints = await this.namer.hintsOf(pids);
      // No hint at all: every process left between discovery and this read, or all are tcpscope's own (its cgroup is
      // ignored). Keep the hints we had (a container whose process just restarted keeps its name) until the next read.
      c = { key, hints: hints.length > 0 || !c ? hints : c.hints, readAt: poll, owner: c?.owner };
      this.cache.set(t.inode, c);
    }
    c.owner = await this.namer.ownerFromHints(c.hints, t.name !== undefined ? [t.name] : []);
    return c.owner;
  }
}
