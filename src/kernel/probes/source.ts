// Live probe input: runs the assembled program, restarts bpftrace with back-off when it dies, and marks the gaps.
import { Observable, type Subscription } from 'rxjs';
import { ExitCode, TcpscopeError } from '../../errors.js';
import type { Capabilities } from '../capabilities.js';
import type { GapInput, ProbeLineInput } from '../../model/inputs.js';
import { runBpftrace } from '../bpftrace/runner.js';
import { isAttachedLine, type ReasonTables } from './decode.js';
import { buildProgram } from './program.js';

export interface ProbeSourceOptions {
  /** A program already built with buildProgram (text + args)... */
  program?: { text: string; args: readonly string[] };
  /** ...or what to build it from. */
  caps?: Capabilities;
  netnsInode?: number;
  port?: number;
  intervalMs?: number;
  detailCap?: number;
  bpftrace?: string | undefined;
  /** Delays before restart n (the last one repeats). */
  backoffMs?: readonly number[];
  /** This many unexpected exits within failureWindowMs -> ExitCode.tracerCrashed. */
  maxFailures?: number;
  failureWindowMs?: number;
  killAfterMs?: number;
}

export const DEFAULT_BACKOFF_MS = [500, 1000, 2000, 4000] as const;

/** Reason tables as plain objects (they go into recordings as JSON). */
export function reasonTables(caps: Capabilities): ReasonTables {
  const obj = (m: Map<number, string> | undefined): Record<number, string> | undefined =>
    m ? Object.fromEntries([...m.entries()].sort(([a], [b]) => a - b)) : undefined;
  const out: ReasonTables = {};
  const drop = obj(caps.dropReasons);
  const reset = obj(caps.resetReasons);
  if (drop) out.dropReasons = drop;
  if (reset) out.resetReasons = reset;
  return out;
}

function resolveProgram(opts: ProbeSourceOptions): { text: string; args: readonly string[] } {
  if (opts.program) return opts.program;
  if (!opts.caps)
    throw new TcpscopeError('internal error: probeInputs$ needs a program or capabilities', {
      exitCode: ExitCode.internal,
    });
  return buildProgram(opts.caps, {
    netnsInode: opts.netnsInode ?? 0,
    port: opts.port ?? 0,
    intervalMs: opts.intervalMs ?? 1000,
    detailCap: opts.detailCap,
  });
}

/**
 * Raw bpftrace stdout lines (with receive time) for the pipeline and recordings, plus a gap each time bpftrace dies
 * and is restarted. Fails with the classified error when bpftrace cannot start at all (not root, tracepoint
 * missing...), and with ExitCode.tracerCrashed after repeated crashes. Unsubscribing stops bpftrace.
 */
export function probeInputs$(opts: ProbeSourceOptions): Observable<ProbeLineInput | GapInput> {
  return new Observable<ProbeLineInput | GapInput>((sub) => {
    const program = resolveProgram(opts);
    const backoff = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    const maxFailures = opts.maxFailures ?? 5;
    const windowMs = opts.failureWindowMs ?? 60_000;
    const failures: number[] = [];
    let run: Subscription | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let everAttached = false;

    const start = (): void => {
      let attached = false;
      run = runBpftrace({
        program: program.text,
        args: program.args,
        bpftrace: opts.bpftrace,
        killAfterMs: opts.killAfterMs,
      }).subscribe({
        next: (ev) => {
          if (ev.kind === 'line') {
            if (!attached && isAttachedLine(ev.line)) attached = everAttached = true;
            sub.next({ kind: 'probe', t: ev.t, line: ev.line });
          } else if (ev.kind === 'exit') {
            if (closed) return;
            // Never attached, first run: a configuration problem a restart cannot fix.
            if (!attached && !everAttached && ev.error) {
              sub.error(ev.error);
              return;
            }
            const now = Date.now();
            failures.push(now);
            while (failures.length > 0 && failures[0]! < now - windowMs) failures.shift();
            const why =
              ev.error?.message ?? (ev.signal ? `killed by ${ev.signal}` : `exited with code ${String(ev.exitCode)}`);
            if (failures.length >= maxFailures) {
              sub.error(
                new TcpscopeError(
                  `bpftrace died ${failures.length} times within ${Math.round(windowMs / 1000)} s (last: ${why})`,
                  {
                    exitCode: ExitCode.tracerCrashed,
                    hint: 'run `tcpscope doctor`; --mode procfs works without bpftrace',
                    cause: ev.error,
                  },
                ),
              );
              return;
            }
            const delay = backoff[Math.min(failures.length - 1, backoff.length - 1)] ?? 1000;
            sub.next({
              kind: 'gap',
              t: now,
              reason: `bpftrace stopped (${why}); restarting in ${delay} ms`,
              durationMs: delay,
            });
            timer = setTimeout(() => {
              timer = undefined;
              if (!closed) start();
            }, delay);
          }
        },
        error: (err: unknown) => {
          if (!closed) sub.error(err);
        },
      });
    };
    start();
    return () => {
      closed = true;
      if (timer) clearTimeout(timer);
      run?.unsubscribe();
    };
  });
}
