// Reads sysctls as the target netns sees them: /proc/sys/net is per netns of the READING process, so another
// netns needs one `nsenter --net=PATH -- grep -H . files...` per poll (~4 ms measured here), ours reads files.
import { readFile } from 'node:fs/promises';
import { errnoOf, messageOf } from '../../errors.js';
import { runInNetns } from '../netns/exec.js';
import type { NetnsTarget } from '../netns/resolve.js';
import { GLOBAL_SYSCTLS, normalizeSysctlValue, sysctlName, sysctlPath } from './catalog.js';

export interface SysctlRead {
  values: Record<string, string>;
  /** Names that do not exist on this kernel / in this netns (e.g. tcp_tw_recycle). */
  absent: string[];
  notes: string[];
}

/** `path:value` lines of grep -H; a value may itself contain ':' (none of ours do, but split on the first). */
export function parseGrepH(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    out[sysctlName(line.slice(0, c))] = normalizeSysctlValue(line.slice(c + 1));
  }
  return out;
}

export async function readSysctls(
  target: Pick<NetnsTarget, 'isSelf' | 'path'>,
  names: readonly string[],
): Promise<SysctlRead> {
  const values: Record<string, string> = {};
  const absent: string[] = [];
  const notes: string[] = [];
  const direct = target.isSelf ? names : names.filter((n) => GLOBAL_SYSCTLS.has(n));
  const inNetns = target.isSelf ? [] : names.filter((n) => !GLOBAL_SYSCTLS.has(n));
  // Host-wide sysctls are hidden inside child netns but apply there: read them from our own /proc/sys.
  await Promise.all(
    direct.map(async (name) => {
      try {
        values[name] = normalizeSysctlValue(await readFile(sysctlPath(name), 'utf8'));
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') absent.push(name);
        else notes.push(`sysctl ${name} unreadable: ${messageOf(err)}`);
      }
    }),
  );
  if (inNetns.length > 0) {
    // -s: missing files are not errors (absent below); exit 2 then, so judge by output, not exit code.
    const r = await runInNetns(target, 'grep', ['-H', '-s', '', ...inNetns.map(sysctlPath)]);
    const got = parseGrepH(r.stdout);
    Object.assign(values, got);
    if (r.failed && Object.keys(got).length === 0) {
      notes.push(
        `sysctls unreadable in netns ${target.path}: ${(r.stderr || `exit ${String(r.exitCode)}`).trim().split('\n')[0] ?? ''}`,
      );
    } else {
      for (const n of inNetns) if (values[n] === undefined) absent.push(n);
    }
  }
  absent.sort();
  const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
  return { values: sorted, absent, notes };
}
