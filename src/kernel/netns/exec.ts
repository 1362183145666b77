// Runs a helper (ss, grep) inside a target netns: directly for our own netns, else via nsenter --net= (no shell).
import { execa } from 'execa';
import type { NetnsTarget } from './resolve.js';

/** [file, args] to run `cmd args` in the target's netns. */
export function netnsCommand(
  target: Pick<NetnsTarget, 'isSelf' | 'path'>,
  cmd: string,
  args: string[],
): [string, string[]] {
  if (target.isSelf) return [cmd, args];
  return ['nsenter', [`--net=${target.path}`, '--', cmd, ...args]];
}

export interface NetnsRun {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  failed: boolean;
}

/** Runs to completion, never throws for a non-zero exit (the caller decides what an error means). */
export async function runInNetns(
  target: Pick<NetnsTarget, 'isSelf' | 'path'>,
  cmd: string,
  args: string[],
  timeoutMs = 10_000,
): Promise<NetnsRun> {
  const [file, argv] = netnsCommand(target, cmd, args);
  const r = await execa(file, argv, { reject: false, timeout: timeoutMs, stdin: 'ignore', env: { LC_ALL: 'C' } });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, failed: r.failed };
}
