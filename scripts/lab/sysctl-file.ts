// Applies a sysctl.d file inside a lab netns with `sysctl -p FILE` (as an operator would), refusing any line that is
// not per network namespace: the host's values of every name in the file are compared before and after.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { NetnsInfo, Topology } from './types.js';

/** `name = value` lines of a sysctl.d file (comments and blanks skipped). */
export function sysctlFileEntries(text: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([a-z0-9_.]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`sysctl file: cannot parse line "${line}"`);
    out.push({ name: m[1]!, value: m[2]!.trim().replace(/\s+/g, ' ') });
  }
  return out;
}

export async function applySysctlFile(
  topo: Topology,
  ns: NetnsInfo,
  file: string,
): Promise<{ name: string; value: string }[]> {
  const entries = sysctlFileEntries(readFileSync(file, 'utf8'));
  const path = (n: string): string => `/proc/sys/${n.replace(/\./g, '/')}`;
  const before = new Map(
    entries.map((e) => [e.name, existsSync(path(e.name)) ? readFileSync(path(e.name), 'utf8') : undefined]),
  );
  const r = await topo.exec(ns, 'sysctl', ['-p', file]);
  let leaked: string | undefined;
  for (const [name, v] of before) {
    if (v !== undefined && readFileSync(path(name), 'utf8') !== v) {
      writeFileSync(path(name), v);
      leaked = name;
    }
  }
  if (leaked) throw new Error(`${file}: ${leaked} is not per network namespace (the host's value changed; restored)`);
  if (r.exitCode !== 0) throw new Error(`sysctl -p ${file} in ${ns.name} failed: ${r.stderr.trim()}`);
  return entries;
}
