// Two network namespaces (server, client) joined by a veth pair, created with iproute2 and torn down on every exit path.
// Names carry a per-run id so concurrent runs never collide: netns tslab-<id>-s / tslab-<id>-c, veth tsl<id>s / tsl<id>c.
import { spawn as spawnChild, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { parseProcPairs, parseSnmp6, parseSockstat, parseSsCensus } from './procfs.js';
import type { ExecResult, NetnsInfo, Topology } from './types.js';

export const NETNS_PREFIX = 'tslab-';
/** Owner records (pid + start time of the process that created a topology), so cleanup spares live runs. */
export const OWNER_DIR = '/run/tslab';
const ID_RE = /^[a-z0-9]{1,8}$/;

export const ADDR = {
  server: { ip4: '198.18.0.1', ip6: '2001:db8:7c::1' },
  client: { ip4: '198.18.0.2', ip6: '2001:db8:7c::2' },
} as const;

async function run(cmd: string, args: string[], input?: string, timeoutMs = 15_000): Promise<ExecResult> {
  const r = await execa(cmd, args, { reject: false, timeout: timeoutMs, ...(input !== undefined ? { input } : {}) });
  return {
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    exitCode: r.exitCode ?? (r.timedOut ? 124 : 1),
  };
}

async function must(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.exitCode !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Is an executable `cmd` in a PATH directory? (looked up here: no shell needed for `command -v`) */
function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((dir) => {
    try {
      accessSync(`${dir || '.'}/${cmd}`, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Checks the prerequisites; throws one clear error listing everything missing. */
export function checkPrerequisites(needs: { hping3?: boolean; cc?: boolean } = {}): void {
  const missing: string[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    missing.push('root (run as root: namespaces, veth, nft)');
  const has = (cmd: string): boolean => onPath(cmd);
  for (const c of ['ip', 'nft', 'ss'])
    if (!has(c)) missing.push(`${c} (apt-get install ${c === 'nft' ? 'nftables' : 'iproute2'})`);
  if (needs.hping3 && !has('hping3')) missing.push('hping3 (apt-get install hping3)');
  if (needs.cc && !has('cc')) missing.push('cc (apt-get install gcc)');
  if (missing.length) throw new Error(`tcpscope lab prerequisites missing: ${missing.join(', ')}`);
}

class LabTopology implements Topology {
  readonly id: string;
  readonly server: NetnsInfo;
  readonly client: NetnsInfo;
  /** Sysctls set through setSysctl, per netns name (value read back from the kernel). */
  readonly sysctlsSet = new Map<string, Record<string, string>>();
  private readonly children = new Set<ChildProcess>();
  private readonly holders = new Map<string, ChildProcess>();
  private destroyed = false;

  constructor(id: string) {
    this.id = id;
    const mk = (side: 'server' | 'client'): NetnsInfo => {
      const name = `${NETNS_PREFIX}${id}-${side === 'server' ? 's' : 'c'}`;
      return { name, path: `/run/netns/${name}`, inode: 0, ip4: ADDR[side].ip4, ip6: ADDR[side].ip6 };
    };
    this.server = mk('server');
    this.client = mk('client');
  }

  get vethServer(): string {
    return `tsl${this.id}s`;
  }
  get vethClient(): string {
    return `tsl${this.id}c`;
  }

  async build(): Promise<void> {
    mkdirSync(OWNER_DIR, { recursive: true });
    writeFileSync(
      `${OWNER_DIR}/${this.id}.json`,
      JSON.stringify({ pid: process.pid, start: procStartTime(process.pid) }),
    );
    await must('ip', ['netns', 'add', this.server.name]);
    await must('ip', ['netns', 'add', this.client.name]);
    // Both veth ends are created directly inside their netns: nothing ever appears in the host's namespace.
    await must('ip', [
      'link',
      'add',
      this.vethServer,
      'netns',
      this.server.name,
      'type',
      'veth',
      'peer',
      'name',
      this.vethClient,
      'netns',
      this.client.name,
    ]);
    for (const [ns, dev] of [
      [this.server, this.vethServer],
      [this.client, this.vethClient],
    ] as const) {
      const batch = [
        'link set lo up',
        `addr add ${ns.ip4}/24 dev ${dev}`,
        `addr add ${ns.ip6}/64 dev ${dev} nodad`,
        `link set ${dev} up`,
      ].join('\n');
      await must('ip', ['-n', ns.name, '-batch', '-'], batch + '\n');
      ns.inode = statSync(ns.path).ino;
      await this.startHolder(ns);
    }
  }

  /** A `sleep` inside the netns whose /proc/PID/net/* we read directly (no exec per counter read). */
  private async startHolder(ns: NetnsInfo): Promise<void> {
    const child = spawnChild('ip', ['netns', 'exec', ns.name, 'sleep', 'infinity'], { stdio: 'ignore' });
    child.unref();
    this.holders.set(ns.name, child);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start holder in ${ns.name}`);
    for (let i = 0; i < 200; i++) {
      try {
        if (statSync(`/proc/${pid}/ns/net`).ino === ns.inode) return;
      } catch {
        /* not yet */
      }
      await sleep(10);
    }
    throw new Error(`holder process in ${ns.name} never entered the netns`);
  }

  private holderPid(ns: NetnsInfo): number {
    const pid = this.holders.get(ns.name)?.pid;
    if (pid === undefined) throw new Error(`no holder for ${ns.name}`);
    return pid;
  }

  async procNet(ns: NetnsInfo, file: string): Promise<string> {
    return readFile(`/proc/${this.holderPid(ns)}/net/${file}`, 'utf8');
  }

  exec(ns: NetnsInfo, cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    return run('ip', ['netns', 'exec', ns.name, cmd, ...args], undefined, opts.timeoutMs ?? 15_000);
  }

  spawn(ns: NetnsInfo, cmd: string, args: string[]): ChildProcess {
    if (this.destroyed) throw new Error('topology destroyed');
    const child = spawnChild('ip', ['netns', 'exec', ns.name, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  async setSysctl(ns: NetnsInfo, name: string, value: string | number): Promise<void> {
    if (!/^[a-z0-9_.]+$/.test(name)) throw new Error(`bad sysctl name ${name}`);
    const hostPath = `/proc/sys/${name.replace(/\./g, '/')}`;
    const hostBefore = existsSync(hostPath) ? readFileSync(hostPath, 'utf8') : undefined;
    await must('ip', ['netns', 'exec', ns.name, 'sysctl', '-q', '-w', `${name}=${String(value)}`]);
    const hostAfter = existsSync(hostPath) ? readFileSync(hostPath, 'utf8') : undefined;
    if (hostBefore !== undefined && hostAfter !== hostBefore) {
      // Not a per-netns sysctl: put the host's value back and refuse.
      writeFileSync(hostPath, hostBefore);
      throw new Error(
        `${name} is not per network namespace: setting it in ${ns.name} changed the host; restored and refused`,
      );
    }
    const readBack = (await must('ip', ['netns', 'exec', ns.name, 'sysctl', '-n', name])).trim().replace(/\s+/g, ' ');
    const rec = this.sysctlsSet.get(ns.name) ?? {};
    rec[name] = readBack;
    this.sysctlsSet.set(ns.name, rec);
  }

  async readSysctl(ns: NetnsInfo, name: string): Promise<string | undefined> {
    const r = await this.exec(ns, 'sysctl', ['-n', name]);
    return r.exitCode === 0 ? r.stdout.trim().replace(/\s+/g, ' ') : undefined;
  }

  async nft(ns: NetnsInfo, ruleset: string): Promise<void> {
    await must('ip', ['netns', 'exec', ns.name, 'nft', '-f', '-'], ruleset);
  }

  async counters(ns: NetnsInfo): Promise<Record<string, number>> {
    const [netstat, snmp, snmp6] = await Promise.all([
      this.procNet(ns, 'netstat'),
      this.procNet(ns, 'snmp'),
      this.procNet(ns, 'snmp6').catch(() => ''),
    ]);
    return { ...parseProcPairs(snmp), ...parseProcPairs(netstat), ...parseSnmp6(snmp6) };
  }

  async sockstat(ns: NetnsInfo): Promise<Record<string, number>> {
    const [a, b] = await Promise.all([this.procNet(ns, 'sockstat'), this.procNet(ns, 'sockstat6').catch(() => '')]);
    return { ...parseSockstat(a), ...parseSockstat(b) };
  }

  async census(ns: NetnsInfo): Promise<Record<string, number>> {
    const r = await this.exec(ns, 'ss', ['-tanH']);
    if (r.exitCode !== 0) throw new Error(`ss -tan in ${ns.name} failed: ${r.stderr}`);
    return parseSsCensus(r.stdout);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    active.delete(this);
    this.killProcesses();
    await removeNetnsPair(this.id);
    rmSync(`${OWNER_DIR}/${this.id}.json`, { force: true });
  }

  /** Agents and netns holders of this run: SIGKILL, synchronous, so both teardowns share it. */
  private killProcesses(): void {
    for (const c of [...this.children, ...this.holders.values()]) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  }

  /** Synchronous teardown for process 'exit' (no event loop left). */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    active.delete(this);
    this.killProcesses();
    for (const ns of [this.server.name, this.client.name]) removeNetnsSync(ns);
    rmSync(`${OWNER_DIR}/${this.id}.json`, { force: true });
  }
}

export type { LabTopology };

async function removeNetns(name: string): Promise<boolean> {
  if (!existsSync(`/run/netns/${name}`)) return false;
  // Kill everything still running inside (agents, hping3...), then delete: the veth goes with the netns.
  for (let round = 0; round < 20; round++) {
    const r = await run('ip', ['netns', 'pids', name]);
    const pids = r.stdout
      .split(/\s+/)
      .filter((p) => /^\d+$/.test(p))
      .map(Number);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await sleep(25);
  }
  const del = await run('ip', ['netns', 'del', name]);
  return del.exitCode === 0;
}

function removeNetnsSync(name: string): void {
  if (!existsSync(`/run/netns/${name}`)) return;
  const r = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
  for (const p of String(r.stdout ?? '').split(/\s+/)) {
    if (!/^\d+$/.test(p)) continue;
    try {
      process.kill(Number(p), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
}

async function removeNetnsPair(id: string): Promise<string[]> {
  const removed: string[] = [];
  for (const side of ['s', 'c']) {
    const name = `${NETNS_PREFIX}${id}-${side}`;
    if (await removeNetns(name)) removed.push(name);
  }
  return removed;
}

// ---- registry of live topologies + teardown on every exit path ----
const active = new Set<LabTopology>();
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const t of [...active]) t.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      const code = sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129;
      const all = [...active];
      const timer = setTimeout(() => process.exit(code), 5000);
      void Promise.allSettled(all.map((t) => t.destroy())).then(() => {
        clearTimeout(timer);
        process.exit(code);
      });
    });
  }
}

/** Ids of the topologies created by this process (live or destroyed), for leak checks. */
export const createdIds: string[] = [];

export async function createTopology(opts: { id?: string } = {}): Promise<Topology & LabTopology> {
  checkPrerequisites();
  const id = opts.id ?? randomBytes(4).toString('hex').slice(0, 7);
  if (!ID_RE.test(id)) throw new Error(`topology id must match ${ID_RE} (veth names must stay ≤ 15 chars)`);
  if (existsSync(`/run/netns/${NETNS_PREFIX}${id}-s`) || existsSync(`/run/netns/${NETNS_PREFIX}${id}-c`)) {
    throw new Error(`netns for id ${id} already exists`);
  }
  installHandlers();
  const topo = new LabTopology(id);
  active.add(topo);
  createdIds.push(id);
  try {
    await topo.build();
  } catch (e) {
    await topo.destroy();
    throw e;
  }
  return topo;
}

/** Netns names starting with tslab- currently present. */
export async function listLabNetns(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(NETNS_PREFIX));
}

function ownerAlive(id: string): boolean {
  try {
    const rec = JSON.parse(readFileSync(`${OWNER_DIR}/${id}.json`, 'utf8')) as { pid?: unknown; start?: unknown };
    if (typeof rec.pid !== 'number') return false;
    if (rec.pid === process.pid) return [...active].some((t) => t.id === id);
    return procStartTime(rec.pid) !== undefined && procStartTime(rec.pid) === rec.start;
  } catch {
    return false;
  }
}

/**
 * Removes leftover lab namespaces (prefix tslab-) and the processes inside them. By default spares topologies whose
 * creating process is still alive (a concurrent lab run or test); `{ all: true }` removes every tslab- netns.
 * Returns the names removed.
 */
export async function cleanupLeftovers(opts: { all?: boolean } = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listLabNetns()) {
    const m = /^tslab-(.+)-[sc]$/.exec(name);
    const id = m?.[1];
    if (!opts.all && id !== undefined && ownerAlive(id)) continue;
    if (await removeNetns(name)) removed.push(name);
  }
  // Owner records with no netns left.
  if (existsSync(OWNER_DIR)) {
    for (const f of readdirSync(OWNER_DIR)) {
      const id = f.replace(/\.json$/, '');
      const left = existsSync(`/run/netns/${NETNS_PREFIX}${id}-s`) || existsSync(`/run/netns/${NETNS_PREFIX}${id}-c`);
      if (!left && (opts.all || !ownerAlive(id))) rmSync(`${OWNER_DIR}/${f}`, { force: true });
    }
  }
  return removed;
}
