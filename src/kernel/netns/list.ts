// Every network namespace on the host (named or with processes), for `tcpscope netns` and for picking --netns.
import { parseSockstat } from '../host/sockstat.js';
import { commOf, namedNetns, netnsOfPid, pidsByNetns, RUN_NETNS } from './scan.js';
import { runInNetns } from './exec.js';
import { readFile } from 'node:fs/promises';

export interface NetnsSummary {
  inode: number;
  names: string[];
  /** One process inside (the lowest pid), undefined when none. */
  pid: number | undefined;
  comm: string | undefined;
  processes: number;
  /** TCP sockets: sockstat TCP.inuse + TCP6.inuse + TCP.tw; undefined when unreadable. */
  tcpSockets: number | undefined;
  isSelf: boolean;
}

async function sockstatTotal(pid: number | undefined, nsPath: string | undefined): Promise<number | undefined> {
  try {
    let text: string;
    if (pid !== undefined) {
      text =
        (await readFile(`/proc/${pid}/net/sockstat`, 'utf8')) + (await readFile(`/proc/${pid}/net/sockstat6`, 'utf8'));
    } else if (nsPath !== undefined) {
      const r = await runInNetns({ isSelf: false, path: nsPath }, 'cat', ['/proc/net/sockstat', '/proc/net/sockstat6']);
      if (r.failed) return undefined;
      text = r.stdout;
    } else {
      return undefined;
    }
    const s = parseSockstat(text);
    return (s['TCP.inuse'] ?? 0) + (s['TCP6.inuse'] ?? 0) + (s['TCP.tw'] ?? 0);
  } catch {
    return undefined;
  }
}

export async function listNetns(): Promise<NetnsSummary[]> {
  const [byPid, names, self] = await Promise.all([pidsByNetns(), namedNetns(), netnsOfPid(process.pid)]);
  const inodes = [...new Set([...byPid.keys(), ...names.keys()])].sort((a, b) => a - b);
  return Promise.all(
    inodes.map(async (inode): Promise<NetnsSummary> => {
      const pids = byPid.get(inode) ?? [];
      const nsNames = names.get(inode) ?? [];
      const pid = pids[0];
      const firstName = nsNames[0];
      const nsPath = firstName !== undefined ? `${RUN_NETNS}/${firstName}` : undefined;
      return {
        inode,
        names: nsNames,
        pid,
        comm: pid === undefined ? undefined : await commOf(pid),
        processes: pids.length,
        tcpSockets: await sockstatTotal(pid, nsPath),
        isSelf: inode === self,
      };
    }),
  );
}
