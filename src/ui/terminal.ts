// The dashboard's precondition, kept apart from blessed so commands can check it without loading the UI.
import { ExitCode, TcpscopeError } from '../errors.js';

const WATCH_HINT = 'for pipes and scripts use `tcpscope watch` or `tcpscope watch --json`';

/** TERM values that cannot draw the dashboard (no cursor addressing): blessed would print garbage. */
export function dumbTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
  const term = env.TERM ?? '';
  return term === '' || term === 'dumb' || term === 'unknown';
}

/**
 * The dashboard needs a terminal on both ends that can address the cursor; checked before any session is started.
 * `hint` names the headless alternative of the command (watch for top, --lines/--json for replay and demo).
 */
export function assertTerminal(hint = WATCH_HINT, env: NodeJS.ProcessEnv = process.env): void {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new TcpscopeError('the dashboard needs a terminal', { exitCode: ExitCode.usage, hint });
  }
  if (dumbTerminal(env)) {
    throw new TcpscopeError(`the dashboard cannot draw on TERM=${env.TERM ?? '(unset)'}`, {
      exitCode: ExitCode.usage,
      hint: `set TERM (e.g. TERM=xterm-256color), or ${hint}`,
    });
  }
}
