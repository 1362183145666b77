// The multi-netns host sampler: each poll discovers namespaces (processes, /run/netns, probe inodes), keeps one reader
// per netns, reads sockstat everywhere and the rest only where there are TCP sockets or events. A netns that
// disappears is dropped (the pipeline marks it gone); one that cannot be read is reported with a note.
import { messageOf } from '../../errors.js';
import type { HostSample } from '../../model/host-sample.js';
import { discoverNetns } from './discover.js';
import { NetnsReader, tcpSocketCount } from './netns-reader.js';
import type { HostSetSample, UnreadableNetns } from '../../model/host-set-sample.js';
import type { NetnsNamer } from '../runtimes/namer.js';
import { NetnsOwners } from './netns-owners.js';

export interface HostSetSamplerOptions {
  /**
   * Sysctls of each non-host netns are re-read every this many polls (default 30: one nsenter+grep per netns per
   * 30 intervals, staggered across namespaces; the host netns's are read every poll, they are plain files).
   */
  sysctlEvery?: number;
  /** Full netns discovery (/proc/*\/ns/net + /run/netns) every this many polls (default 2: new netns within 2 intervals). */
  discoverEvery?: number;
  ownersEveryMs?: number;
  /** Polls at most this many namespaces concurrently (default 16): bounds open files and latency spikes. */
  concurrency?: number;
  /**
   * Names each netns by what runs in it (container, pod, service) at each poll: `netns.owner` of every sample. The
   * caller owns it (closes it). Without it samples carry no owner.
   */
  namer?: NetnsNamer;
  /** Cgroup hints of a netns are re-read every this many polls even when its pids did not change (default 10). */
  ownerRereadEvery?: number;
}

export interface HostSetSampler {
  poll(): Promise<HostSetSample>;
  /** Netns inodes seen in probe output: sampled from the next poll on even with no socket left. */
  noteActive(inodes: Iterable<number>): void;
  /** Readers alive (self-monitoring, bench). */
  stats(): { readers: number; capacityRuns: number; ownerMs: number; ownerHintReads: number };
  close(): Promise<void>;
}

export function createHostSetSampler(opts: HostSetSamplerOptions = {}): HostSetSampler {
  const readers = new Map<number, NetnsReader>();
  const seen = new Set<number>();
  const sysctlEvery = Math.max(1, opts.sysctlEvery ?? 30);
  const discoverEvery = Math.max(1, opts.discoverEvery ?? 2);
  let polls = 0;
  let pollCount = 0;
  let discovery: Awaited<ReturnType<typeof discoverNetns>> | undefined;
  const limit = Math.max(1, opts.concurrency ?? 16);
  let phase = 0;
  let closed = false;
  const owners = opts.namer ? new NetnsOwners(opts.namer, { rereadEvery: opts.ownerRereadEvery }) : undefined;

  /** Owners of the sampled (and unreadable) namespaces as they are now; the host's own netns is never named. */
  async function name(samples: HostSample[], unreadable: UnreadableNetns[]): Promise<void> {
    if (!owners) return;
    const targets = samples
      .filter((s) => s.netns.isHost !== true)
      .map((s) => ({ inode: s.netns.inode, pids: readers.get(s.netns.inode)?.pids ?? [], name: s.netns.name }));
    const found = await owners.update(
      targets,
      unreadable.map((u) => u.netns.inode),
    );
    for (const s of samples) {
      const o = found.get(s.netns.inode);
      if (o) s.netns.owner = o;
    }
    // A row that could not be read this poll keeps the name it had (a stopped container degrades its row only).
    for (const u of unreadable) {
      const o = owners.last(u.netns.inode);
      if (o) u.netns = { ...u.netns, owner: o };
    }
  }

  async function pollOne(reader: NetnsReader): Promise<HostSample | UnreadableNetns | 'idle'> {
    const t = reader.target;
    const ident = { inode: t.inode, name: t.name, pid: t.isSelf ? undefined : t.pid, isHost: t.isSelf };
    try {
      const sockstat = await reader.sockstat();
      if (!reader.active && (t.isSelf || tcpSocketCount(sockstat) > 0 || seen.has(t.inode))) reader.active = true;
      if (!reader.active) return 'idle';
      const sample = await reader.read(sockstat);
      sample.netns = t.isSelf
        ? { inode: t.inode, name: t.name, isHost: true }
        : { inode: t.inode, name: t.name, ...(t.pid !== undefined && t.name === undefined ? { pid: t.pid } : {}) };
      return sample;
    } catch (err) {
      return { netns: ident, note: `unreadable: ${messageOf(err)}` };
    }
  }

  return {
    async poll() {
      if (closed) throw new Error('host sampler is closed');
      const t0 = performance.now();
      const notes: string[] = [];
      const extra = [...seen];
      const holders = new Set<number>();
      for (const r of readers.values()) {
        const h = r.holderPid();
        if (h !== undefined) holders.add(h);
      }
      // Between discoveries, a netns that vanished fails its read (reported unreadable once, then dropped).
      if (!discovery || polls++ % discoverEvery === 0 || extra.some((i) => !discovery!.found.has(i)))
        discovery = await discoverNetns(extra, holders);
      // Closed while discovering: no new reader (and no holder process) may start after close().
      if (closed) throw new Error('host sampler is closed');
      const { found, orphans } = discovery;
      for (const [inode, r] of readers) {
        if (!found.has(inode)) {
          readers.delete(inode);
          seen.delete(inode);
          void r.close();
        }
      }
      for (const [inode, d] of found) {
        let r = readers.get(inode);
        if (!r)
          readers.set(
            inode,
            (r = new NetnsReader(d.target, {
              sysctlEvery,
              phase: phase++ % sysctlEvery,
              ownersEveryMs: opts.ownersEveryMs ?? 1000,
            })),
          );
        r.pids = d.target.isSelf ? [...d.pids, process.pid] : d.pids;
      }
      const list = [...readers.values()];
      const results: (HostSample | UnreadableNetns | 'idle')[] = new Array(list.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(limit, list.length) }, async () => {
          while (next < list.length) {
            const i = next++;
            results[i] = await pollOne(list[i]!);
          }
        }),
      );
      const samples: HostSample[] = [];
      const unreadable: UnreadableNetns[] = orphans.map((inode) => ({
        netns: { inode, name: undefined },
        note: 'seen in probe output, but no process and no /run/netns name: not readable',
      }));
      let idle = 0;
      for (const r of results) {
        if (r === 'idle') idle++;
        else if ('note' in r) unreadable.push(r);
        else samples.push(r);
      }
      for (const o of orphans) seen.delete(o); // reported once per probe sighting, not forever
      samples.sort((a, b) => a.netns.inode - b.netns.inode);
      unreadable.sort((a, b) => a.netns.inode - b.netns.inode);
      await name(samples, unreadable);
      // The first poll is the session's baseline (no snapshot shows its notes): the namer's notes wait for the next.
      if (opts.namer && pollCount++ > 0) notes.push(...opts.namer.takeNotes());
      return { samples, unreadable, idle, pollMs: Math.round((performance.now() - t0) * 100) / 100, notes };
    },
    noteActive(inodes) {
      for (const i of inodes) seen.add(i);
    },
    stats: () => ({
      readers: readers.size,
      capacityRuns: [...readers.values()].reduce((s, r) => s + r.capacityRuns, 0),
      ownerMs: owners?.lastMs ?? 0,
      ownerHintReads: owners?.hintReads ?? 0,
    }),
    async close() {
      closed = true;
      const all = [...readers.values()];
      readers.clear();
      await Promise.all(all.map((r) => r.close().catch(() => undefined)));
    },
  };
}
