// Runs one bpftrace process (no shell, never --unsafe) as an Observable of its stdout lines, stderr problems and exit.
import { bpftraceBtfEnv } from './btf-env.js';
import { existsSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { Observable } from 'rxjs';
import { ExitCode, TcpscopeError, messageOf } from '../../errors.js';
import { classifyStderrLine, stderrError, type StderrProblem } from './stderr.js';
import { WATCHDOG_SOURCE, guardedCommand } from './spawn-guard.js';

export interface RunOptions {
  /** Program text, passed with -e (it is generated from probes/*.bt, never from user strings). */
  program: string;
  /** Positional parameters $1..$n (validated integers). */
  args: readonly string[];
  /** bpftrace binary (a fake script in tests). */
  bpftrace?: string | undefined;
  /** SIGINT first, SIGKILL after this many ms. */
  killAfterMs?: number;
  /** Force the watchdog instead of setpriv (tests). */
  forceWatchdog?: boolean;
}

export type RunnerEvent =
  | { kind: 'spawn'; t: number; pid: number | undefined; guard: 'setpriv' | 'watchdog' }
  | { kind: 'line'; t: number; line: string }
  | { kind: 'stderr'; t: number; problem: StderrProblem }
  | {
      kind: 'exit';
      t: number;
      exitCode: number | undefined;
      signal: string | undefined;
      /** Classified error for a failed run (undefined after a clean exit 0). */
      error: TcpscopeError | undefined;
      /** Every stderr line that was not noise. */
      stderr: string[];
    };

const running = new Map<number, Promise<unknown>>();

/** Pids of bpftrace processes started by this module and not yet exited. */
export function runningBpftracePids(): number[] {
  return [...running.keys()];
}

/** Resolves when every bpftrace process started by this module has exited. */
export async function whenBpftraceStopped(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running.values()]);
}

function tracefsMounted(): boolean {
  return existsSync('/sys/kernel/tracing/events') || existsSync('/sys/kernel/debug/tracing/events');
}

/** Splits a text stream into lines; the last, unterminated piece is flushed at the end. */
class LineSplitter {
  private rest = '';
  constructor(private readonly emit: (line: string) => void) {}
  push(chunk: string): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.emit(p);
  }
  end(): void {
    if (this.rest !== '') this.emit(this.rest);
    this.rest = '';
  }
}

/**
 * Spawns bpftrace `-f json` when subscribed; unsubscribing stops it (SIGINT, then SIGKILL after killAfterMs).
 * bpftrace is also killed if this Node process dies (setpriv --pdeathsig KILL, or a watchdog).
 * Emits spawn, then lines/stderr, then exit (and completes) unless unsubscribed first.
 */
export function runBpftrace(opts: RunOptions): Observable<RunnerEvent> {
  return new Observable<RunnerEvent>((sub) => {
    const abort = new AbortController();
    let unsubscribed = false;
    const bin = opts.bpftrace ?? process.env.TCPSCOPE_BPFTRACE ?? 'bpftrace';
    const bpfArgs = ['-f', 'json', '-e', opts.program, '--', ...opts.args];
    if (bpfArgs.includes('--unsafe')) throw new Error('refusing to run bpftrace with --unsafe');
    const cmd = opts.forceWatchdog ? { file: bin, args: bpfArgs, watchdog: true } : guardedCommand(bin, bpfArgs);
    const useWatchdog = cmd.watchdog;
    const { file, args } = cmd;

    let child: ResultPromise<{ buffer: false; reject: false }>;
    try {
      child = execa(file, args, {
        buffer: false,
        reject: false,
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'pipe',
        cancelSignal: abort.signal,
        killSignal: 'SIGINT',
        forceKillAfterDelay: opts.killAfterMs ?? 1000,
        env: bpftraceBtfEnv(),
      }) as ResultPromise<{ buffer: false; reject: false }>;
    } catch (err) {
      sub.error(
        new TcpscopeError(`cannot start bpftrace: ${messageOf(err)}`, { exitCode: ExitCode.tracer, cause: err }),
      );
      return undefined;
    }
    const pid = child.pid;
    let watchdog: ResultPromise | undefined;
    if (useWatchdog && pid !== undefined) {
      watchdog = execa(process.execPath, ['-e', WATCHDOG_SOURCE, String(pid)], {
        stdin: 'pipe',
        stdout: 'ignore',
        stderr: 'ignore',
        reject: false,
      });
    }
    if (pid !== undefined)
      running.set(
        pid,
        child.then(
          () => undefined,
          () => undefined,
        ),
      );
    sub.next({ kind: 'spawn', t: Date.now(), pid, guard: useWatchdog ? 'watchdog' : 'setpriv' });

    const stderrLines: string[] = [];
    const out = new LineSplitter((line) => {
      if (!unsubscribed) sub.next({ kind: 'line', t: Date.now(), line });
    });
    const err = new LineSplitter((line) => {
      const problem = classifyStderrLine(line);
      if (problem.kind === 'noise') return;
      stderrLines.push(line);
      if (!unsubscribed) sub.next({ kind: 'stderr', t: Date.now(), problem });
    });
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => out.push(c));
    child.stderr?.on('data', (c: string) => err.push(c));

    child.then(
      (result) => {
        out.end();
        err.end();
        if (pid !== undefined) running.delete(pid);
        watchdog?.kill('SIGKILL');
        if (unsubscribed) return;
        const exitCode = result.exitCode;
        const signal = result.signal;
        const failed = exitCode !== 0 || signal !== undefined;
        const error = failed
          ? result.failed && exitCode === undefined && signal === undefined
            ? new TcpscopeError(`cannot start bpftrace (${bin}): ${result.shortMessage ?? 'spawn failed'}`, {
                exitCode: ExitCode.tracer,
                hint: 'apt-get install bpftrace, or set TCPSCOPE_BPFTRACE',
                cause: result,
              })
            : signal !== undefined && stderrLines.length === 0
              ? // Killed from outside (OOM killer, kill -9): say so instead of "exited with code unknown".
                new TcpscopeError(`bpftrace was killed by ${signal}`, { exitCode: ExitCode.tracer })
              : stderrError(stderrLines, { tracefsMounted: tracefsMounted(), exitCode })
          : undefined;
        sub.next({ kind: 'exit', t: Date.now(), exitCode, signal, error, stderr: stderrLines });
        sub.complete();
      },
      (e: unknown) => {
        if (pid !== undefined) running.delete(pid);
        watchdog?.kill('SIGKILL');
        if (!unsubscribed)
          sub.error(
            new TcpscopeError(`bpftrace runner failed: ${messageOf(e)}`, { exitCode: ExitCode.tracer, cause: e }),
          );
      },
    );

    return () => {
      unsubscribed = true;
      abort.abort();
    };
  });
}
