// Turns a --netns argument into a target we can read: its inode, a name, an nsenter path and a live pid inside.
import { ExitCode, TcpscopeError } from '../../errors.js';
import { parseNetnsSpec } from './spec.js';
import { namedNetns, netnsOfPid, nsfsInode, pidsByNetns, RUN_NETNS } from './scan.js';
import type { NetnsOwner } from '../../model/host-sample.js';
import { createNetnsNamer, type NetnsNamer } from '../runtimes/namer.js';
import { matchOwner, type OwnedNetns } from '../runtimes/match.js';
import { ownerSelector } from '../runtimes/label.js';

export interface NetnsTarget {
  inode: number;
  name: string | undefined;
  /** For nsenter --net=: /run/netns/NAME or /proc/PID/ns/net. */
  path: string;
  /** A live pid inside, for /proc/PID/net; undefined for a netns without processes. */
  pid: number | undefined;
  /** The netns tcpscope itself runs in: read /proc/self/net and /proc/sys directly. */
  isSelf: boolean;
  /** What runs in it (container, pod, service), when the netns was chosen by it or a namer was given. */
  owner?: NetnsOwner;
}

export interface ResolveOptions {
  /** Resolves container/pod/service names; one is created (and closed) for the call when absent. */
  namer?: NetnsNamer;
}

export const unknownNetns = (spec: string, cause?: unknown, close: string[] = []): TcpscopeError =>
  new TcpscopeError(
    `unknown netns "${spec}": not in /run/netns, not a container, pod or service, not a pid, not an inode` +
      `${close.length > 0 ? `; close: ${close.join(', ')}` : ''}; see tcpscope netns`,
    { exitCode: ExitCode.netns, cause },
  );

/** Every netns with an owner (the host's own excluded), for matching a --netns word. */
export async function ownedNetns(namer: NetnsNamer): Promise<OwnedNetns[]> {
  const [byPid, names, self] = await Promise.all([pidsByNetns(), namedNetns(), selfInode()]);
  const owners = await namer.ownersOf(byPid, names, new Set([self]));
  return [...owners].map(([inode, owner]) => ({ inode, owner }));
}

async function byOwner(spec: string, label: string, opts: ResolveOptions): Promise<NetnsTarget> {
  const namer = opts.namer ?? createNetnsNamer();
  try {
    const m = matchOwner(spec, await ownedNetns(namer));
    if (m.kind === 'ambiguous') {
      const list = m.candidates.map(
        (c) => `${ownerSelector(c.owner)} (netns ${c.inode}${c.owner.id ? `, id ${c.owner.id.slice(0, 12)}` : ''})`,
      );
      throw new TcpscopeError(`ambiguous netns "${label}": ${list.join(', ')}; use runtime:name or an id prefix`, {
        exitCode: ExitCode.netns,
      });
    }
    if (m.kind === 'none') throw unknownNetns(label, undefined, m.close);
    const target = await byInode(m.netns.inode, label);
    return { ...target, owner: m.netns.owner };
  } finally {
    if (!opts.namer) namer.close();
  }
}

async function selfInode(): Promise<number> {
  const ino = await netnsOfPid(process.pid);
  if (ino === undefined) {
    throw new TcpscopeError('cannot read /proc/self/ns/net (is /proc mounted?)', { exitCode: ExitCode.io });
  }
  return ino;
}

/** Builds the target for a known inode: a name from /run/netns, a pid from /proc (our own pid when it is ours). */
async function targetFor(inode: number, path: string | undefined, preferPid?: number): Promise<NetnsTarget> {
  const [self, names] = await Promise.all([selfInode(), namedNetns()]);
  const name = names.get(inode)?.[0];
  if (inode === self) {
    return { inode, name, path: path ?? `/proc/${process.pid}/ns/net`, pid: process.pid, isSelf: true };
  }
  let pid = preferPid;
  if (pid === undefined) pid = (await pidsByNetns()).get(inode)?.[0];
  const nsPath =
    path ?? (name !== undefined ? `${RUN_NETNS}/${name}` : pid !== undefined ? `/proc/${pid}/ns/net` : undefined);
  if (nsPath === undefined)
    throw new TcpscopeError(`netns ${inode} has no process and no name`, { exitCode: ExitCode.netns });
  return { inode, name, path: nsPath, pid, isSelf: false };
}

/**
 * spec: undefined/'self' (our own netns), a name in /run/netns, a container/pod/service (`web1`, `docker:web1`,
 * `pod:shop/cart-7d9f`, `nginx.service`, an id prefix), a path to a netns file, a pid, or an inode (`4026532281` or
 * `net:[4026532281]`). Unknown or ambiguous -> TcpscopeError ExitCode.netns (with close matches).
 */
export async function resolveNetns(spec: string | undefined, opts: ResolveOptions = {}): Promise<NetnsTarget> {
  const parsed = parseNetnsSpec(spec);
  const label = spec ?? 'self';
  if (!parsed) throw unknownNetns(label);
  switch (parsed.kind) {
    case 'self':
      return targetFor(await selfInode(), undefined, process.pid);
    case 'name': {
      const path = `${RUN_NETNS}/${parsed.name}`;
      const ino = await nsfsInode(path);
      // Not an `ip netns` name: a container, pod or service name (or a container id prefix).
      if (ino === undefined) return byOwner(parsed.name, label, opts);
      return targetFor(ino, path);
    }
    case 'owner':
      return byOwner(parsed.spec, label, opts);
    case 'path': {
      const ino = await nsfsInode(parsed.path);
      if (ino === undefined) throw unknownNetns(label);
      // A /proc/PID/ns/net path names its pid: prefer it.
      const m = /^\/proc\/(\d+)\/ns\/net$/.exec(parsed.path);
      return targetFor(ino, parsed.path, m?.[1] ? Number(m[1]) : undefined);
    }
    case 'number': {
      const ino = await netnsOfPid(parsed.n);
      if (ino !== undefined) return targetFor(ino, `/proc/${parsed.n}/ns/net`, parsed.n);
      return byInode(parsed.n, label);
    }
    case 'inode':
      return byInode(parsed.inode, label);
  }
}

async function byInode(inode: number, label: string): Promise<NetnsTarget> {
  if (inode === (await selfInode())) return targetFor(inode, undefined, process.pid);
  const names = await namedNetns();
  const name = names.get(inode)?.[0];
  if (name !== undefined) return targetFor(inode, `${RUN_NETNS}/${name}`);
  const pid = (await pidsByNetns()).get(inode)?.[0];
  if (pid !== undefined) return targetFor(inode, `/proc/${pid}/ns/net`, pid);
  throw unknownNetns(label);
}
