// Finds (and as root, mounts) tracefs: it is not mounted at boot on many hosts, and bpftrace then misreports the cause.
import { access, readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { ExitCode, TcpscopeError, messageOf } from '../../errors.js';

export const TRACEFS_CANDIDATES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'] as const;

export interface TracefsState {
  /** Directory holding `events/`, when tracefs is usable. */
  path: string | undefined;
  /** True when tcpscope mounted it during this run. */
  mountedByUs: boolean;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/** The mounted tracefs directory, or undefined. */
export async function findTracefs(candidates: readonly string[] = TRACEFS_CANDIDATES): Promise<string | undefined> {
  for (const dir of candidates) {
    if (await exists(`${dir}/events`)) return dir;
  }
  return undefined;
}

/** Is `dir` a tracefs mount point per /proc/self/mounts? (Mounted but unreadable means: not root.) */
export async function isTracefsMounted(dir = '/sys/kernel/tracing'): Promise<boolean> {
  try {
    const mounts = await readFile('/proc/self/mounts', 'utf8');
    return mounts.split('\n').some((l) => {
      const [, mnt, type] = l.split(' ');
      return mnt === dir && type === 'tracefs';
    });
  } catch {
    return false;
  }
}

/**
 * Returns the usable tracefs, mounting it at /sys/kernel/tracing when allowed (root) and absent.
 * Throws a TcpscopeError saying exactly what to do otherwise.
 */
export async function ensureTracefs(opts: { mount: boolean }): Promise<TracefsState> {
  const found = await findTracefs();
  if (found) return { path: found, mountedByUs: false };
  if (!opts.mount) {
    throw new TcpscopeError('tracefs is not mounted, so no tracepoint is visible', {
      exitCode: ExitCode.tracer,
      hint: 'run as root: mount -t tracefs tracefs /sys/kernel/tracing',
    });
  }
  try {
    await execa('mount', ['-t', 'tracefs', 'tracefs', '/sys/kernel/tracing']);
  } catch (err) {
    throw new TcpscopeError(
      `tracefs is not mounted and mounting it failed: ${messageOf(err).split('\n').pop() ?? ''}`,
      {
        exitCode: ExitCode.tracer,
        hint: 'mount -t tracefs tracefs /sys/kernel/tracing (needs root, CONFIG_TRACING)',
        cause: err,
      },
    );
  }
  const after = await findTracefs();
  if (!after) {
    throw new TcpscopeError('tracefs was mounted but /sys/kernel/tracing/events is missing', {
      exitCode: ExitCode.tracer,
    });
  }
  return { path: after, mountedByUs: true };
}
