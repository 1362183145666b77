// The dashboard's precondition, kept apart from blessed so commands can check it without loading the UI.
import { ExitCode, TcpscopeError } from '../errors.js';

/** The dashboard needs a terminal on both ends; checked before any session is started. */
export function assertTerminal(): void {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new TcpscopeError('the dashboard needs a terminal', {
      exitCode: ExitCode.usage,
      hint: 'for pipes and scripts use `tcpscope watch` or `tcpscope watch --json`',
    });
  }
}
