// Reads one netns for the whole-host view without a process per interval: counters, sockstat and the socket tables
// from /proc/<pid>/net/* of a process inside (ProcNetSource keeps one holder in a process-less named netns), owners
// from /proc/*/fd, listener capacity from a rare `ss` (CapacityCache), sysctls via nsenter only every Nth poll.
// The socket table is the costly part (each read walks the host-wide established hash): a quiet netns whose tables
// cannot have changed (TableReuse) keeps the last read.
import { readFileSync } from 'node:fs';
import { messageOf } from '../../errors.js';
import { censusFromScan, censusFromSs } from '../host/census.js';
import { listenersFromSs } from '../host/listeners.js';
import { parseSsRows, ssRareArgs, type SsRow } from '../host/ss-table.js';
import { runInNetns } from '../netns/exec.js';
import { parseSnmp6, parseSnmpPairs } from '../host/counters.js';
import { listenersFromScan } from '../host/listeners.js';
import { OwnerIndex, type Owner } from '../host/owners.js';
import { countOwners } from '../host/poller.js';
import { ProcNetSource } from '../host/proc-source.js';
import type { HostSample } from '../../model/host-sample.js';
import { parseSockstat } from '../host/sockstat.js';
import { newTcpScan, scanTcpTable, type TcpScan } from '../host/tcp-table.js';
import type { NetnsTarget } from '../netns/resolve.js';
import { SYSCTLS } from '../sysctl/catalog.js';
import { readSysctls } from '../sysctl/read.js';
import { CapacityCache } from './capacity.js';
import { readSeqTable } from '../host/seq-read.js';
import { TableReuse, type Tables } from './table-reuse.js';

const LISTEN = 10;
const OWNED = [4, 5, 8, 9];
const DETAIL = (1 << LISTEN) | OWNED.reduce((m, s) => m | (1 << s), 0);
const SYSCTL_NAMES = SYSCTLS.map((s) => s.name);
/**
 * Above this many TCP sockets (sockstat) reading /proc/net/tcp{,6} costs more than one `ss` of the rare states
 * (~30 ms at 10 k sockets vs ~20 ms for ss, 170+ ms at 50 k: scripts/bench/host-poll.ts): such a netns (typically
 * the host's) takes the single-netns path, one sock_diag dump per interval, which also gives listener capacity.
 */
export const BIG_NETNS_SOCKETS = 2000;

/** TCP sockets of a netns per its sockstat: full sockets (v4 + v6) and timewait minisockets. */
export const tcpSocketCount = (sockstat: Record<string, number>): number =>
  (sockstat['TCP.inuse'] ?? 0) + (sockstat['TCP6.inuse'] ?? 0) + (sockstat['TCP.tw'] ?? 0);

export interface NetnsReaderOptions {
  /** Sysctls of another netns are re-read every this many polls (nsenter + grep), staggered by `phase`. */
  sysctlEvery: number;
  phase: number;
  ownersEveryMs: number;
}

export class NetnsReader {
  private readonly source: ProcNetSource;
  private readonly owners: OwnerIndex;
  private readonly capacity = new CapacityCache();
  private readonly reuse = new TableReuse();
  private sysctls: Record<string, string> | undefined;
  private polls = 0;
  /** Once a netns had TCP sockets or events it stays in the view (its counters keep their baseline). */
  active = false;

  private dir = '/proc/self/net';
  private lastRaw = '';
  private lastCounters: Record<string, number> | undefined;
  /** Pids of the netns from the latest discovery (the sampler updates it each poll). */
  pids: number[] = [];

  constructor(
    readonly target: NetnsTarget,
    private readonly opts: NetnsReaderOptions,
  ) {
    this.source = new ProcNetSource(target);
    this.owners = new OwnerIndex(target.inode, opts.ownersEveryMs, 200, () => Promise.resolve(this.pids));
  }

  get capacityRuns(): number {
    return this.capacity.runs;
  }

  /** Reads of one family's table skipped because that family had no socket (self-monitoring, tests). */
  tablesSkipped = 0;

  /** Socket-table reads skipped because the netns was provably unchanged (self-monitoring, tests). */
  get tableReuses(): number {
    return this.reuse.reused;
  }

  /** sockstat{,6} only: decides whether the netns has TCP at all (throws when it vanished). */
  async sockstat(): Promise<Record<string, number>> {
    // dir() first, alone: it may start the holder, and two concurrent reads would start two.
    this.dir = await this.source.dir();
    const [a, b] = await Promise.all([this.file('sockstat'), this.file('sockstat6').catch(() => Buffer.alloc(0))]);
    return parseSockstat(b.toString('latin1'), parseSockstat(a.toString('latin1')));
  }

  /** The full sample; throws only when the netns vanished (no process and no name left). */
  async read(sockstat: Record<string, number>): Promise<HostSample> {
    const t0 = performance.now();
    const poll = this.polls++;
    const notes: string[] = [];
    const text = async (file: string): Promise<string> => {
      try {
        return (await this.file(file)).toString('latin1');
      } catch (err) {
        notes.push(`${file} unreadable: ${messageOf(err)}`);
        return '';
      }
    };
    const wantSysctls =
      this.target.isSelf || this.sysctls === undefined || (poll + this.opts.phase) % this.opts.sysctlEvery === 0;
    const big = tcpSocketCount(sockstat) > BIG_NETNS_SOCKETS;
    const [netstat, snmp, snmp6, sys] = await Promise.all([
      text('netstat'),
      text('snmp'),
      text('snmp6'),
      wantSysctls ? readSysctls({ isSelf: this.target.isSelf, path: this.source.nsPath() }, SYSCTL_NAMES) : undefined,
    ]);
    if (sys) {
      notes.push(...sys.notes);
      if (Object.keys(sys.values).length > 0 || this.sysctls === undefined) this.sysctls = sys.values;
    }
    notes.push(...this.source.events.splice(0));
    // A quiet netns's counter files are byte-identical poll after poll: reuse the parse (never mutated downstream).
    const raw = netstat + snmp + snmp6;
    let counters = this.lastCounters;
    if (raw !== this.lastRaw || counters === undefined) {
      counters = parseSnmpPairs(snmp, parseSnmpPairs(netstat));
      parseSnmp6(snmp6, counters);
      this.lastRaw = raw;
      this.lastCounters = counters;
    }
    const fingerprint = `${TableReuse.sockstatKey(sockstat)}\n${raw}`;
    const tables = this.reuse.take(fingerprint, poll) ?? (await this.tables(big, notes, poll, sockstat));
    this.reuse.keep(fingerprint, poll, tables);
    return {
      netns: { inode: this.target.inode, name: this.target.name },
      counters,
      sockstat,
      census: { ...tables.census },
      listeners: tables.listeners.map((l) => ({ ...l })),
      owners: tables.owners.map((o) => ({ ...o })),
      sysctls: this.sysctls ?? {},
      pollMs: Math.round((performance.now() - t0) * 100) / 100,
      notes,
    };
  }

  /** Census, listeners (with capacity) and owners from one socket-table read: ss for a big netns, else procfs. */
  private async tables(big: boolean, notes: string[], poll: number, sockstat: Record<string, number>): Promise<Tables> {
    const ssRows = big ? await this.ss(notes) : undefined;
    const scan = ssRows ? newTcpScan() : await this.scanTables(sockstat, notes);
    const rows: { state: number; inode: number }[] = ssRows ?? scan.rows;
    const wanted = rows
      .filter((r) => r.inode > 0 && (r.state === LISTEN || OWNED.includes(r.state)))
      .map((r) => r.inode);
    let ownerMap = new Map<number, Owner>();
    try {
      ownerMap = await this.owners.lookup(wanted);
    } catch (err) {
      notes.push(`socket owners unavailable: ${messageOf(err)}`);
    }
    let listeners = ssRows ? listenersFromSs(ssRows, ownerMap) : listenersFromScan(scan.rows, ownerMap);
    if (!ssRows) {
      if (this.capacity.needsRefresh(listeners, poll))
        await this.capacity.refresh({ isSelf: this.target.isSelf, path: this.source.nsPath() }, poll, notes);
      listeners = this.capacity.apply(listeners);
    }
    const census = ssRows ? censusFromSs(ssRows, sockstat) : censusFromScan(scan);
    const states = ssRows ? ssRows.map((r) => r.state) : scan.byState.flatMap((n, st) => (n > 0 ? [st] : []));
    return { census, listeners, owners: countOwners(rows, ownerMap), stable: TableReuse.stable(states, listeners) };
  }

  /**
   * Both socket tables, or only one when the other family provably has none: no full socket of it (sockstat inuse 0;
   * a request socket needs a listener of its family, a dual-stack listener's are IPv6) and every timewait socket of
   * the netns (sockstat tw counts both families) already in the first table. Each table read walks the host's whole
   * established hash, so a netns of one family costs one walk instead of two.
   */
  private async scanTables(sockstat: Record<string, number>, notes: string[]): Promise<TcpScan> {
    const scan = newTcpScan();
    const v4 = sockstat['TCP.inuse'];
    const v6 = sockstat['TCP6.inuse'];
    const tw = sockstat['TCP.tw'];
    if (v4 === undefined || v6 === undefined || tw === undefined || (v4 > 0 && v6 > 0)) {
      const [tcp, tcp6] = await Promise.all([this.table('tcp', notes), this.table('tcp6', notes)]);
      if (tcp) scanTcpTable(tcp, 4, DETAIL, scan);
      if (tcp6) scanTcpTable(tcp6, 6, DETAIL, scan);
      return scan;
    }
    const [first, second]: [4 | 6, 4 | 6] = v6 === 0 ? [4, 6] : [6, 4];
    const name = (f: 4 | 6): string => (f === 4 ? 'tcp' : 'tcp6');
    const a = await this.table(name(first), notes);
    if (a) scanTcpTable(a, first, DETAIL, scan);
    if (a && scan.timewait === tw) {
      this.tablesSkipped++;
      return scan;
    }
    const b = await this.table(name(second), notes);
    if (b) scanTcpTable(b, second, DETAIL, scan);
    return scan;
  }

  /** A socket table of the netns (tcp, tcp6) read without the extra hash walk at EOF; undefined + note if unreadable. */
  private async table(name: string, notes: string[]): Promise<Buffer | undefined> {
    try {
      return await readSeqTable(`${this.dir}/${name}`).catch(() => this.source.read(name));
    } catch (err) {
      notes.push(`${name} unreadable: ${messageOf(err)}`);
      return undefined;
    }
  }

  /**
   * A file of the netns's /proc/net, from the directory checked at the start of this poll (one netns check per poll,
   * not per file); a process that left meanwhile gets the checked path (ProcNetSource re-picks a pid). Read
   * synchronously: these are small counter files (≈ 10-30 µs in the kernel), and five async reads per netns per poll
   * cost 3x the CPU in thread-pool hand-offs (0.10 vs 0.035 ms per file measured here). Socket tables stay async.
   */
  private async file(name: string): Promise<Buffer> {
    try {
      return readFileSync(`${this.dir}/${name}`);
    } catch {
      return this.source.read(name);
    }
  }

  /** One sock_diag dump of the rare states (big netns only); undefined (scan /proc instead) when ss fails. */
  private async ss(notes: string[]): Promise<SsRow[] | undefined> {
    const r = await runInNetns({ isSelf: this.target.isSelf, path: this.source.nsPath() }, 'ss', ssRareArgs());
    if (r.failed) {
      notes.push(`ss failed (exit ${String(r.exitCode)}): census from /proc/net/tcp`);
      return undefined;
    }
    return parseSsRows(r.stdout);
  }

  /** Pid of the holder process this reader keeps in a process-less netns (not a process of the netns's own). */
  holderPid(): number | undefined {
    return this.source.holderPid();
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}
