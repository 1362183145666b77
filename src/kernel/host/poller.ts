// One host poll = counters + sockstat + census + listeners + owners + sysctls of one netns, never throwing for
// an unreadable source (it becomes a note); only a vanished netns is an error.
import { execa } from 'execa';
import { messageOf } from '../../errors.js';
import { stateName } from '../tcp-states.js';
import { runInNetns } from '../netns/exec.js';
import type { NetnsTarget } from '../netns/resolve.js';
import { SYSCTLS } from '../sysctl/catalog.js';
import { readSysctls } from '../sysctl/read.js';
import { censusFromScan, censusFromSs } from './census.js';
import { parseSnmp6, parseSnmpPairs } from './counters.js';
import { listenersFromScan, listenersFromSs } from './listeners.js';
import { OwnerIndex, type Owner } from './owners.js';
import { ProcNetSource } from './proc-source.js';
import type { HostSample, OwnerCount } from '../../model/host-sample.js';
import { parseSockstat } from './sockstat.js';
import { parseSsRows, ssRareArgs, type SsRow } from './ss-table.js';
import { newTcpScan, scanTcpTable } from './tcp-table.js';

/** States whose owner we name (a growing CLOSE_WAIT in pid 4242 is an application bug). */
const OWNED_STATES = new Set([4, 5, 8, 9]); // FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, LAST_ACK
const LISTEN = 10;

export interface HostPoller {
  poll(): Promise<HostSample>;
  close(): Promise<void>;
}

export interface HostPollerOptions {
  /** Minimum time between two /proc/*\/fd rescans for unknown socket owners (default 1000 ms; slow rescans are spaced by 10x their duration). */
  ownersEveryMs?: number;
  /** 'ss' (default): sock_diag dump of the rare states + sockstat; 'proc': full /proc/net/tcp{,6} scan (also the fallback without ss). */
  censusMethod?: 'ss' | 'proc';
}

let ssAvailable: Promise<boolean> | undefined;
const haveSs = (): Promise<boolean> =>
  (ssAvailable ??= execa('ss', ['-V'], { reject: false }).then(
    (r) => !r.failed,
    () => false,
  ));

export function createHostPoller(target: NetnsTarget, opts: HostPollerOptions = {}): HostPoller {
  const source = new ProcNetSource(target);
  const owners = new OwnerIndex(target.inode, opts.ownersEveryMs ?? 1000);
  const sysctlNames = SYSCTLS.map((s) => s.name);
  let closed = false;

  async function readText(file: string, notes: string[]): Promise<string> {
    try {
      return (await source.read(file)).toString('latin1');
    } catch (err) {
      notes.push(`${file} unreadable: ${messageOf(err)}`);
      return '';
    }
  }

  async function readSs(notes: string[]): Promise<SsRow[] | undefined> {
    if (opts.censusMethod === 'proc') return undefined;
    if (!(await haveSs())) {
      notes.push('ss (iproute2) missing: census from /proc/net/tcp, listener capacity unknown');
      return undefined;
    }
    const r = await runInNetns({ isSelf: target.isSelf, path: source.nsPath() }, 'ss', ssRareArgs());
    if (r.failed) {
      notes.push(
        `ss failed (${r.stderr.split('\n').find((l) => !l.includes('cgroup2')) ?? `exit ${String(r.exitCode)}`}): census from /proc/net/tcp`,
      );
      return undefined;
    }
    return parseSsRows(r.stdout);
  }

  async function poll(): Promise<HostSample> {
    if (closed) throw new Error('host poller is closed');
    const t0 = performance.now();
    const notes: string[] = [];
    await source.dir(); // may switch pid / start the holder / throw "netns vanished" once, up front
    const [netstat, snmp, snmp6, sockstat4, sockstat6, ssRows, sys] = await Promise.all([
      readText('netstat', notes),
      readText('snmp', notes),
      readText('snmp6', notes),
      readText('sockstat', notes),
      readText('sockstat6', notes),
      readSs(notes),
      readSysctls({ isSelf: target.isSelf, path: source.nsPath() }, sysctlNames),
    ]);
    notes.push(...sys.notes, ...source.events.splice(0));
    const counters = parseSnmpPairs(snmp, parseSnmpPairs(netstat));
    parseSnmp6(snmp6, counters);
    const sockstat = parseSockstat(sockstat6, parseSockstat(sockstat4));

    let census: Record<string, number>;
    let rows: { state: number; inode: number }[];
    let listen: (o: Map<number, Owner>) => HostSample['listeners'];
    if (ssRows) {
      census = censusFromSs(ssRows, sockstat);
      rows = ssRows;
      listen = (o) => listenersFromSs(ssRows, o);
    } else {
      const scan = newTcpScan();
      const detail = (1 << LISTEN) | [...OWNED_STATES].reduce((m, s) => m | (1 << s), 0);
      for (const [file, fam] of [
        ['tcp', 4],
        ['tcp6', 6],
      ] as const) {
        try {
          scanTcpTable(await source.read(file), fam, detail, scan);
        } catch (err) {
          notes.push(`${file} unreadable: ${messageOf(err)}`);
        }
      }
      census = censusFromScan(scan);
      rows = scan.rows;
      listen = (o) => listenersFromScan(scan.rows, o);
    }

    const wanted = rows
      .filter((r) => r.inode > 0 && (r.state === LISTEN || OWNED_STATES.has(r.state)))
      .map((r) => r.inode);
    let ownerMap = new Map<number, Owner>();
    try {
      ownerMap = await owners.lookup(wanted);
    } catch (err) {
      notes.push(`socket owners unavailable: ${messageOf(err)}`);
    }
    const ownerCounts = countOwners(rows, ownerMap);

    return {
      netns: { inode: target.inode, name: target.name },
      counters,
      sockstat,
      census,
      listeners: listen(ownerMap),
      owners: ownerCounts,
      sysctls: sys.values,
      pollMs: Math.round((performance.now() - t0) * 100) / 100,
      notes,
    };
  }

  return {
    poll,
    async close() {
      closed = true;
      await source.close();
    },
  };
}

/** Per (state, pid) counts of owned sockets in the closing states, biggest first. */
export function countOwners(rows: { state: number; inode: number }[], owners: Map<number, Owner>): OwnerCount[] {
  const acc = new Map<string, OwnerCount>();
  for (const r of rows) {
    if (!OWNED_STATES.has(r.state)) continue;
    const o = owners.get(r.inode);
    if (!o) continue;
    const state = stateName(r.state);
    const key = `${state}/${o.pid}`;
    const cur = acc.get(key);
    if (cur) cur.count++;
    else acc.set(key, { state, pid: o.pid, comm: o.comm, count: 1 });
  }
  return [...acc.values()].sort((a, b) => b.count - a.count || a.pid - b.pid || a.state.localeCompare(b.state));
}
