// Names Kubernetes pods from the kubelet's own on-disk log layout, which every node has (no API server, no CRI
// socket needed): /var/log/pods/<namespace>_<pod>_<uid>/<container>/ and /var/log/containers/<pod>_<ns>_<ctr>-<id>.log.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface KubePod {
  namespace: string;
  name: string;
  uid: string;
  /** Container names (directories under the pod's log dir), sorted. */
  containers: string[];
}

export interface KubeNodeIndex {
  /** pod UID (API form, with dashes) -> pod. */
  pods: Map<string, KubePod>;
  /** container id (64 hex) -> container name. */
  containers: Map<string, string>;
}

/** `<namespace>_<pod>_<uid>`: namespaces and pod names are DNS labels/subdomains, so `_` only separates. */
export function parsePodLogDir(dir: string): { namespace: string; name: string; uid: string } | undefined {
  const parts = dir.split('_');
  if (parts.length !== 3) return undefined;
  const [namespace, name, uid] = parts;
  if (!namespace || !name || !uid || !/^[0-9a-f-]{32,36}$/.test(uid)) return undefined;
  return { namespace, name, uid };
}

/** `<pod>_<namespace>_<container>-<64 hex id>.log` (the kubelet's symlinks in /var/log/containers). */
export function parseContainerLogName(
  file: string,
): { pod: string; namespace: string; container: string; id: string } | undefined {
  const m = /^([^_]+)_([^_]+)_(.+)-([0-9a-f]{64})\.log$/.exec(file);
  if (!m?.[1] || !m[2] || !m[3] || !m[4]) return undefined;
  return { pod: m[1], namespace: m[2], container: m[3], id: m[4] };
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** Reads both directories under `root` (default `/`); missing directories give an empty index (not a node). */
export async function readKubeNodeIndex(root = '/'): Promise<KubeNodeIndex> {
  const podsDir = join(root, 'var/log/pods');
  const pods = new Map<string, KubePod>();
  for (const dir of await entries(podsDir)) {
    const p = parsePodLogDir(dir);
    if (!p) continue;
    const containers = (await entries(join(podsDir, dir))).sort();
    pods.set(p.uid, { ...p, containers });
  }
  const containers = new Map<string, string>();
  for (const file of await entries(join(root, 'var/log/containers'))) {
    const c = parseContainerLogName(file);
    if (c) containers.set(c.id, c.container);
  }
  return { pods, containers };
}
