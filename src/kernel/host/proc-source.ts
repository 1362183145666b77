// Where to read /proc/net/* of the target netns: /proc/self/net for ours, /proc/PID/net of a live process inside
// for another, re-picking a pid when it exits and holding a `cat` inside when the netns has no process at all.
import { readFile } from 'node:fs/promises';
import { ExitCode, TcpscopeError } from '../../errors.js';
import { startNetnsHolder, type NetnsHolder } from '../netns/holder.js';
import { netnsOfPid, nsfsInode, pidsByNetns, RUN_NETNS } from '../netns/scan.js';
import type { NetnsTarget } from '../netns/resolve.js';

export class ProcNetSource {
  private pid: number | undefined;
  private holder: NetnsHolder | undefined;
  /** Set by close(): a holder whose start was still pending then is stopped at once, never left running. */
  private closed = false;
  /** Notes for the current poll (pid switched, holder started). */
  readonly events: string[] = [];

  constructor(private readonly target: NetnsTarget) {
    this.pid = target.isSelf ? undefined : target.pid;
  }

  /** The name's bind mount: outlives every process (a /proc/PID/ns/net path dies with its pid). */
  private namedPath(): string | undefined {
    return this.target.name !== undefined ? `${RUN_NETNS}/${this.target.name}` : undefined;
  }

  /** A live process of the netns itself (not tcpscope's holder), undefined for ours or a process-less one. */
  processInside(): number | undefined {
    if (this.target.isSelf || this.pid === undefined || this.pid === this.holder?.pid) return undefined;
    return this.pid;
  }

  /** nsenter path valid right now: the name's bind mount, else the current pid's ns file. */
  nsPath(): string {
    if (this.target.isSelf) return this.target.path;
    return this.namedPath() ?? (this.pid !== undefined ? `/proc/${this.pid}/ns/net` : this.target.path);
  }

  /** Current /proc/<pid>/net directory, verified to still be in the target netns. */
  async dir(): Promise<string> {
    if (this.target.isSelf) return '/proc/self/net';
    await this.checkName();
    if (this.pid !== undefined && (await netnsOfPid(this.pid)) === this.target.inode) return `/proc/${this.pid}/net`;
    const gone = this.pid;
    this.pid = ((await pidsByNetns()).get(this.target.inode) ?? []).find((p) => p !== process.pid);
    if (this.pid !== undefined) {
      if (gone !== undefined)
        this.events.push(`pid ${gone} left netns ${this.target.inode}: now reading via pid ${this.pid}`);
      return `/proc/${this.pid}/net`;
    }
    await this.startHolder(gone);
    return `/proc/${String(this.pid)}/net`;
  }

  private unnamed = false;

  /**
   * `ip netns del NAME` while watched (issue 13 item 19): if only tcpscope's holder keeps the netns alive it is gone
   * for everyone else, which ends the session (exit 6); if processes still live in it, one note says it lost its name.
   */
  private async checkName(): Promise<void> {
    const path = this.namedPath();
    if (path === undefined || this.unnamed) return;
    if ((await nsfsInode(path)) === this.target.inode) return;
    this.unnamed = true;
    if (this.holder !== undefined && this.pid === this.holder.pid) {
      throw new TcpscopeError(`netns ${this.target.name} was deleted (ip netns del) while watched`, {
        exitCode: ExitCode.netns,
        hint: 'no process was left in it',
      });
    }
    this.events.push(
      `netns ${this.target.name} was deleted (ip netns del): its processes keep it alive, still watched`,
    );
  }

  private async startHolder(gone: number | undefined): Promise<void> {
    if (this.holder) await this.holder.stop().catch(() => undefined);
    this.holder = undefined;
    const path = this.namedPath();
    if (path !== undefined && (await nsfsInode(path)) !== this.target.inode) {
      // Its name was deleted and the last process inside (often another tcpscope's holder) went with it: the same
      // words as when our own holder was the last one (issue 13 item 19), not a pid the user never started.
      throw new TcpscopeError(`netns ${this.target.name} was deleted (ip netns del) while watched`, {
        exitCode: ExitCode.netns,
        hint: 'no process was left in it',
      });
    }
    if (path === undefined) {
      throw new TcpscopeError(`netns ${this.target.inode} vanished (no process left in it)`, {
        exitCode: ExitCode.netns,
        hint: gone !== undefined ? `pid ${gone} exited` : undefined,
      });
    }
    try {
      const holder = await startNetnsHolder(path);
      if (this.closed) {
        // The session stopped while the holder started (a poll in flight at close): its process would keep Node alive.
        await holder.stop().catch(() => undefined);
        throw new TcpscopeError(`netns ${this.target.inode}: reader closed`, { exitCode: ExitCode.netns });
      }
      this.holder = holder;
    } catch (err) {
      if (this.closed) throw err;
      throw new TcpscopeError(`cannot enter netns ${path}`, {
        exitCode: ExitCode.netns,
        cause: err,
        hint: 'needs root (nsenter)',
      });
    }
    this.pid = this.holder.pid;
    this.events.push(`netns ${this.target.name ?? this.target.inode} has no process: holding one (pid ${this.pid})`);
  }

  /** Reads one file of the netns's /proc/net; a pid that exits between check and read gets one retry. */
  async read(file: string): Promise<Buffer> {
    const dir = await this.dir();
    try {
      return await readFile(`${dir}/${file}`);
    } catch (err) {
      if (this.target.isSelf) throw err;
      if ((await netnsOfPid(this.pid ?? -1)) === this.target.inode) throw err;
      return readFile(`${await this.dir()}/${file}`);
    }
  }

  /** Pid of the holder started in a process-less netns, if any. */
  holderPid(): number | undefined {
    return this.holder?.pid;
  }

  async close(): Promise<void> {
    this.closed = true;
    const h = this.holder;
    this.holder = undefined;
    if (h) await h.stop();
  }
}
