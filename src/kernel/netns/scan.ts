// Finds network namespaces the cheap way: readlink /proc/*/ns/net (live processes) and stat /run/netns/* (named).
import { readdir, readlink, readFile, stat, statfs } from 'node:fs/promises';

export const RUN_NETNS = '/run/netns';

/** `net:[4026531840]` -> 4026531840. */
export function inodeFromNsLink(link: string): number | undefined {
  const m = /^net:\[(\d+)\]$/.exec(link);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** Netns inode of a live pid, undefined when it exited or is not readable. */
export async function netnsOfPid(pid: number): Promise<number | undefined> {
  try {
    return inodeFromNsLink(await readlink(`/proc/${pid}/ns/net`));
  } catch {
    return undefined;
  }
}

export async function numericPids(): Promise<number[]> {
  const names = await readdir('/proc');
  const pids: number[] = [];
  for (const n of names) if (/^\d+$/.test(n)) pids.push(Number(n));
  return pids;
}

/** netns inode -> pids living in it (sorted ascending). Threads are not listed; kernel threads share init's netns. */
export async function pidsByNetns(): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  const pids = await numericPids();
  const inodes = await Promise.all(pids.map((p) => netnsOfPid(p)));
  pids.forEach((pid, i) => {
    const ino = inodes[i];
    if (ino === undefined) return;
    const list = out.get(ino);
    if (list) list.push(pid);
    else out.set(ino, [pid]);
  });
  for (const l of out.values()) l.sort((a, b) => a - b);
  return out;
}

/** netns inode -> names under /run/netns (bind mounts; a stale entry that is not a mount is skipped). */
export async function namedNetns(): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  let names: string[];
  try {
    names = await readdir(RUN_NETNS);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const ino = await nsfsInode(`${RUN_NETNS}/${name}`);
    if (ino === undefined) continue;
    const list = out.get(ino);
    if (list) list.push(name);
    else out.set(ino, [name]);
  }
  return out;
}

const NSFS_MAGIC = 0x6e736673;

/** Inode of a netns file (nsfs), undefined when the path is missing or not a namespace (e.g. unmounted leftover). */
export async function nsfsInode(path: string): Promise<number | undefined> {
  try {
    const fs = await statfs(path);
    if (fs.type !== NSFS_MAGIC) return undefined;
    return (await stat(path)).ino;
  } catch {
    return undefined;
  }
}

export async function commOf(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    return undefined;
  }
}
