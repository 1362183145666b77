// Turns a --netns argument into a target we can read: its inode, a name, an nsenter path and a live pid inside.
import { ExitCode, TcpscopeError } from '../../errors.js';
import { parseNetnsSpec } from './spec.js';
import { namedNetns, netnsOfPid, nsfsInode, pidsByNetns, RUN_NETNS } from './scan.js';

export interface NetnsTarget {
  inode: number;
  name: string | undefined;
  /** For nsenter --net=: /run/netns/NAME or /proc/PID/ns/net. */
  path: string;
  /** A live pid inside, for /proc/PID/net; undefined for a netns without processes. */
  pid: number | undefined;
  /** The netns tcpscope itself runs in: read /proc/self/net and /proc/sys directly. */
  isSelf: boolean;
}

export const unknownNetns = (spec: string, cause?: unknown): TcpscopeError =>
  new TcpscopeError(`unknown netns "${spec}": not in /run/netns, not a pid, not an inode; see tcpscope netns`, {
    exitCode: ExitCode.netns,
    cause,
  });

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
 * spec: undefined/'self' (our own netns), a name in /run/netns, a path to a netns file, a pid, or an inode
 * (`4026532281` or `net:[4026532281]`). Unknown -> TcpscopeError ExitCode.netns.
 */
export async function resolveNetns(spec: string | undefined): Promise<NetnsTarget> {
  const parsed = parseNetnsSpec(spec);
  const label = spec ?? 'self';
  if (!parsed) throw unknownNetns(label);
  switch (parsed.kind) {
    case 'self':
      return targetFor(await selfInode(), undefined, process.pid);
    case 'name': {
      const path = `${RUN_NETNS}/${parsed.name}`;
      const ino = await nsfsInode(path);
      if (ino === undefined) throw unknownNetns(label);
      return targetFor(ino, path);
    }
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
