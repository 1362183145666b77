// Driving the real binary in tmux (e2e and fault tests): start a pane, capture it, read how its process ended.
import { execa } from 'execa';
import { zombieExit } from '../fault/helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const tmux = (args: string[]) => execa('tmux', args, { reject: false });

export async function capture(session: string): Promise<string> {
  return (await tmux(['capture-pane', '-p', '-t', session])).stdout;
}

/** Starts `cmd` (with `env` added) in a detached session of cols×rows that keeps its pane after exit; returns its pid. */
export async function startPane(
  session: string,
  cols: number,
  rows: number,
  cmd: string[],
  env: Record<string, string> = {},
): Promise<number> {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  await execa('tmux', ['new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), ...envArgs, ...cmd]);
  // remain-on-exit keeps the pane so its exit status can be read after the process ends.
  await tmux(['set-option', '-t', session, 'remain-on-exit', 'on']);
  return Number((await tmux(['display-message', '-p', '-t', session, '#{pane_pid}'])).stdout.trim());
}

/** Waits up to 15 s for the pane's process to end: "1 <code>" or "1 signal <n>", "" if it did not. */
export async function paneExit(session: string, pid: number): Promise<string> {
  for (let i = 0; i < 75; i++) {
    // tmux 3.3 does not always reap the pane's process: read the exit status from the zombie then.
    const z = await zombieExit(pid);
    if (z) return `1 ${z.code ?? `signal ${String(z.signal)}`}`;
    const r = await tmux([
      'display-message',
      '-p',
      '-t',
      session,
      '#{pane_dead} #{pane_dead_status}#{pane_dead_signal}',
    ]);
    // The pane can read as dead (pty closed) a moment before tmux has reaped the process and knows its status.
    if (/^1 \S/.test(r.stdout)) return r.stdout.trim();
    await sleep(200);
  }
  return '';
}
