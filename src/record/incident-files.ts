// Incident files in a flight recorder's directory: how they are named, listed and pruned (oldest first).
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const INCIDENT_PREFIX = 'incident-';
const INCIDENT_RE = /^incident-\d{8}T\d{6}(?:\d{3})?Z-.*\.ndjson(?:\.gz)?$/;

/** Keeps names portable and shell-safe: a netns or alert name may contain anything. */
export function slug(text: string, max = 40): string {
  const s = text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+|_+$/g, '');
  return (s || 'x').slice(0, max);
}

/** `incident-20261127T044501123Z-web1-overflow.ndjson.gz`: sorts by time, names where and what. */
export function incidentFileName(firedAt: number, netns: string, alert: string, gzip: boolean): string {
  const stamp = new Date(firedAt).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${INCIDENT_PREFIX}${stamp}-${slug(netns)}-${slug(alert)}.ndjson${gzip ? '.gz' : ''}`;
}

/** The Markdown report written beside an incident. */
export function reportPathOf(incidentPath: string): string {
  return incidentPath.replace(/\.ndjson(?:\.gz)?$/, '.md');
}

export interface IncidentFile {
  path: string;
  name: string;
  bytes: number;
  reportBytes: number;
}

/** Incident recordings in `dir`, oldest first (names start with the firing time). */
export async function listIncidentFiles(dir: string): Promise<IncidentFile[]> {
  const names = (await readdir(dir)).filter((n) => INCIDENT_RE.test(n)).sort();
  const out: IncidentFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) continue;
    const rep = await stat(reportPathOf(path)).catch(() => undefined);
    out.push({ path, name, bytes: st.size, reportBytes: rep?.isFile() ? rep.size : 0 });
  }
  return out;
}

export interface PruneLimits {
  keep?: number;
  maxDiskBytes?: number;
}

/** Deletes the oldest incidents (and their reports) until `keep` and `maxDiskBytes` hold; never `protect`. */
export async function pruneIncidents(
  dir: string,
  limits: PruneLimits,
  protect: ReadonlySet<string>,
): Promise<IncidentFile[]> {
  const files = await listIncidentFiles(dir);
  const deleted: IncidentFile[] = [];
  let total = files.reduce((n, f) => n + f.bytes + f.reportBytes, 0);
  let count = files.length;
  for (const f of files) {
    const overCount = limits.keep !== undefined && count > limits.keep;
    const overDisk = limits.maxDiskBytes !== undefined && total > limits.maxDiskBytes;
    if (!overCount && !overDisk) break;
    if (protect.has(f.path)) continue;
    await unlink(f.path).catch(() => undefined);
    await unlink(reportPathOf(f.path)).catch(() => undefined);
    total -= f.bytes + f.reportBytes;
    count--;
    deleted.push(f);
  }
  return deleted;
}
