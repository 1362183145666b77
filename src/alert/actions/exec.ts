// `--exec CMD [ARGS…]`: runs a command per alert event without a shell, bounded in time and concurrency.
import { execa } from 'execa';
import { messageOf, usageError } from '../../errors.js';
import type { AlertEvent } from '../event.js';
import type { AlertAction } from './action.js';
import { alertEnv } from './env.js';

export interface ExecActionOptions {
  command: string;
  args?: readonly string[];
  /** Kill the command (its whole process group) after this long. Default 10 s. */
  timeoutMs?: number;
  /** SIGKILL this long after SIGTERM if the group is still there. Default 2 s. */
  killGraceMs?: number;
  /** Commands running at once. Default 2. */
  concurrency?: number;
  /** Events waiting for a slot; beyond it new events are dropped with a warning. Default 32. */
  queueLimit?: number;
  /** Warnings (dropped events, failures, timeouts): default one line on stderr. */
  onWarning?: (message: string) => void;
  /**
   * Where the command's stdout and stderr go, line by line. Default: tcpscope's stderr (stdout carries NDJSON). The
   * dashboard passes its alerts log, so nothing the command prints lands on the dashboard's terminal.
   */
  onOutput?: (line: string) => void;
}

export interface ExecStats {
  started: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  dropped: number;
  running: number;
  queued: number;
}

export interface ExecAction extends AlertAction {
  stats(): ExecStats;
}

const warnStderr = (m: string): void => {
  process.stderr.write(`tcpscope: warning: ${m}\n`);
};

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function createExecAction(opts: ExecActionOptions): ExecAction {
  if (opts.command.trim() === '') throw usageError('--exec needs a command');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const grace = opts.killGraceMs ?? 2_000;
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const queueLimit = Math.max(0, opts.queueLimit ?? 32);
  const warn = opts.onWarning ?? warnStderr;
  const args = [...(opts.args ?? [])];
  const queue: AlertEvent[] = [];
  const running = new Set<Promise<void>>();
  const stats: ExecStats = { started: 0, succeeded: 0, failed: 0, timedOut: 0, dropped: 0, running: 0, queued: 0 };
  let closed = false;
  let idle: (() => void) | undefined;

  async function run(e: AlertEvent): Promise<void> {
    stats.started++;
    // detached: own process group, so a timeout kills the command and everything it started.
    const child = execa(opts.command, args, {
      input: `${JSON.stringify(e)}\n`,
      env: alertEnv(e),
      extendEnv: true,
      detached: true,
      cleanup: true,
      // Its stdout goes to our stderr (tcpscope's stdout carries NDJSON), or line by line to onOutput.
      stdout: opts.onOutput ? 'pipe' : 2,
      stderr: opts.onOutput ? 'pipe' : 2,
      buffer: false,
      reject: false,
      forceKillAfterDelay: false,
    });
    if (opts.onOutput) {
      const out = opts.onOutput;
      for (const stream of [child.stdout, child.stderr]) {
        let rest = '';
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop()!;
          for (const l of lines) out(l);
        });
        stream?.on('end', () => {
          if (rest !== '') out(rest);
        });
      }
    }
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        killGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), grace);
      }
    }, timeoutMs);
    try {
      const r = await child;
      if (timedOut) {
        stats.timedOut++;
        warn(`--exec ${opts.command}: killed after ${timeoutMs} ms (alert ${e.name} ${e.state})`);
      } else if (r.failed) {
        stats.failed++;
        const why =
          r.exitCode !== undefined ? `exit code ${r.exitCode}` : (r.signal ?? messageOf(r.cause ?? r.message));
        warn(`--exec ${opts.command}: ${why} (alert ${e.name} ${e.state})`);
      } else {
        stats.succeeded++;
      }
    } catch (err) {
      stats.failed++;
      warn(`--exec ${opts.command}: ${messageOf(err)}`);
    } finally {
      clearTimeout(timer);
      if (killTimer !== undefined && !timedOut) clearTimeout(killTimer);
    }
  }

  function pump(): void {
    while (running.size < concurrency && queue.length > 0) {
      const e = queue.shift()!;
      const p: Promise<void> = run(e).finally(() => {
        running.delete(p);
        stats.running = running.size;
        pump();
      });
      running.add(p);
    }
    stats.running = running.size;
    stats.queued = queue.length;
    if (running.size === 0 && queue.length === 0 && idle) idle();
  }

  return {
    handle(e) {
      if (closed) return;
      if (running.size >= concurrency && queue.length >= queueLimit) {
        stats.dropped++;
        warn(
          `--exec ${opts.command}: ${concurrency} running and ${queueLimit} queued, dropping alert ${e.name} ${e.state}`,
        );
        return;
      }
      queue.push(e);
      pump();
    },
    stats: () => ({ ...stats }),
    async close() {
      closed = true;
      if (running.size === 0 && queue.length === 0) return;
      await new Promise<void>((resolve) => {
        idle = resolve;
      });
    },
  };
}
