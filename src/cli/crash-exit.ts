// A bug that escapes every handler still exits like one: `tcpscope: internal error: ...` + stack, exit code 70 — not
// Node's default exit 1, which scripts would read as ExitCode.alertFired. Registered session stops run first (bounded);
// bpftrace dies with us anyway (pdeathsig).
import { ExitCode } from '../errors.js';
import { reportError } from './output.js';
import { shutdownNow } from './shutdown.js';

export function exitOnCrash(): void {
  let crashed = false;
  const crash = (err: unknown): void => {
    if (crashed) return;
    crashed = true;
    reportError(err);
    shutdownNow(ExitCode.internal);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
