// Makes bpftrace die with us: `setpriv --pdeathsig KILL` when util-linux has it, else a stdin-pipe watchdog process.
import { accessSync, constants } from 'node:fs';

const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'];

let cached: string | null | undefined;

/** Path of setpriv, or undefined when it is not installed. */
export function findSetpriv(): string | undefined {
  if (cached === undefined) {
    cached =
      SETPRIV_PATHS.find((p) => {
        try {
          accessSync(p, constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }) ?? null;
  }
  return cached ?? undefined;
}

/**
 * Watchdog for hosts without setpriv, run as `node -e WATCHDOG_SOURCE <pid>`: our stdin pipe closes when we die
 * (crash, SIGKILL), and it then SIGKILLs bpftrace. Constant code: no user input is ever part of it.
 */
export const WATCHDOG_SOURCE = `
const pid = Number(process.argv[1]);
process.stdin.resume();
process.stdin.on('end', () => { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); });
process.stdin.on('error', () => { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); });
setInterval(() => { try { process.kill(pid, 0); } catch { process.exit(0); } }, 1000);
`;

/** Command and arguments running `bin args` so that it is killed when this process dies. */
export function guardedCommand(
  bin: string,
  args: readonly string[],
  setpriv = findSetpriv(),
): { file: string; args: string[]; watchdog: boolean } {
  if (setpriv) return { file: setpriv, args: ['--pdeathsig', 'KILL', '--', bin, ...args], watchdog: false };
  return { file: bin, args: [...args], watchdog: true };
}
