// Turns any failure into one stderr line and a distinct exit code; only internal bugs get a stack trace.
import { ExitCode, TcpscopeError } from '../errors.js';

export function formatError(err: unknown): { line: string; exitCode: number; stack: string | undefined } {
  if (err instanceof TcpscopeError) {
    const hint = err.hint ? ` (${err.hint})` : '';
    return { line: `tcpscope: ${err.message}${hint}`, exitCode: err.exitCode, stack: undefined };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { line: `tcpscope: internal error: ${e.message}`, exitCode: ExitCode.internal, stack: e.stack };
}

/** Prints the error as one line (plus a stack for internal errors) and sets the exit code. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const { line, exitCode, stack } = formatError(err);
  stderr.write(`${line.replace(/\n/g, ' ')}\n`);
  if (stack && process.env.TCPSCOPE_DEBUG !== '0') stderr.write(`${stack}\n`);
  return exitCode;
}
