// One error type for everything a user can cause or fix: it carries the exit code and keeps its cause.

/** Exit codes, documented in README ("Exit codes"). Distinct per failure class so scripts can branch on them. */
export const ExitCode = {
  ok: 0,
  /** An alert fired with --exit-on-alert. */
  alertFired: 1,
  /** Bad flags, bad durations, bad alert expressions. */
  usage: 2,
  /** eBPF unavailable: only procfs (counters) mode is possible (doctor). */
  procfsOnly: 3,
  /** Not root / missing capabilities for what was asked. */
  permission: 4,
  /** bpftrace missing or unusable, tracefs unavailable, tracepoint missing. */
  tracer: 5,
  /** Unknown or vanished network namespace. */
  netns: 6,
  /** Recording unreadable: not a recording, corrupt, future version. */
  recording: 7,
  /** I/O error: disk full, unwritable file, unreadable /proc. */
  io: 8,
  /** bpftrace kept dying after restarts. */
  tracerCrashed: 9,
  /** Internal bug: a stack trace is printed. */
  internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error a user can act on: printed as one line (`tcpscope: <message>`), never with a stack trace. */
export class TcpscopeError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  constructor(message: string, opts: { exitCode: ExitCodeValue; hint?: string; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TcpscopeError';
    this.exitCode = opts.exitCode;
    this.hint = opts.hint;
  }
}

export const usageError = (message: string, cause?: unknown): TcpscopeError =>
  new TcpscopeError(message, { exitCode: ExitCode.usage, cause });

/** Message of an unknown thrown value, for wrapping into a TcpscopeError. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** errno code (ENOENT, EACCES...) of a thrown value, if it has one. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}
