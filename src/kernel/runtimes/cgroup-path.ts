// Reads who owns a process from its cgroup path: the container engines and systemd encode ids in the path, so
// a netns can be named with no runtime API at all (formats per driver cited in test/fixtures/runtimes/README.md).

/** What one cgroup path says about its process. */
export type CgroupHint =
  | { kind: 'docker'; id: string }
  | { kind: 'podman'; id: string; podId?: string }
  | {
      kind: 'kubernetes';
      podUid: string;
      containerId: string | undefined;
      engine: 'containerd' | 'cri-o' | 'docker' | undefined;
    }
  | { kind: 'systemd'; unit: string };

const HEX64 = '[0-9a-f]{64}';
/** Pod UIDs: a UUID (API pods) or a 32-hex config hash (static pods). */
const POD_UID = '[0-9a-f]{8}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{4}[-_]?[0-9a-f]{12}';

const K8S_CGROUPFS = new RegExp(`(?:^|/)kubepods(?:/(?:burstable|besteffort))?/pod(${POD_UID})(?:/(${HEX64}))?(?:/|$)`);
const K8S_SYSTEMD_POD = new RegExp(`(?:^|/)kubepods(?:-(?:burstable|besteffort))?-pod(${POD_UID})\\.slice(?:/|$)`);
const SCOPE = new RegExp(`(?:^|/)(cri-containerd|crio|docker|libpod)-(${HEX64})\\.scope(?:/|$)`);
const DOCKER_CGROUPFS = new RegExp(`(?:^|/)docker/(${HEX64})(?:/|$)`);
const PODMAN_CGROUPFS = new RegExp(`(?:^|/)libpod_parent/(?:libpod_pod_([0-9a-f]{64})/)?libpod-(${HEX64})(?:/|$)`);
const PODMAN_POD_SLICE = /(?:^|\/)machine-libpod_pod_([0-9a-f]{64})\.slice(?:\/|$)/;
const SERVICE = /(?:^|\/)([^/]+\.service)(?=\/|$)/g;

/** The kubelet's systemd driver writes the pod UID with `_` for `-`; back to the API form. */
export function podUidFromCgroup(uid: string): string {
  return uid.replace(/_/g, '-');
}

function engineOf(prefix: string | undefined): 'containerd' | 'cri-o' | 'docker' | undefined {
  if (prefix === 'cri-containerd') return 'containerd';
  if (prefix === 'crio') return 'cri-o';
  if (prefix === 'docker') return 'docker';
  return undefined;
}

/** One cgroup path (`/docker/<id>`, `/kubepods.slice/…/cri-containerd-<id>.scope`, …) -> its owner, if any. */
export function parseCgroupPath(path: string): CgroupHint | undefined {
  const scope = SCOPE.exec(path);
  // Kubernetes first: its containers also carry docker-/crio-/cri-containerd- scopes or a bare 64-hex id.
  const k8sSystemd = K8S_SYSTEMD_POD.exec(path);
  if (k8sSystemd?.[1]) {
    return {
      kind: 'kubernetes',
      podUid: podUidFromCgroup(k8sSystemd[1]),
      containerId: scope?.[2],
      engine: engineOf(scope?.[1]),
    };
  }
  const k8sFs = K8S_CGROUPFS.exec(path);
  if (k8sFs?.[1]) {
    // cgroupfs driver: the runtime is not in the path (containerd, CRI-O and dockershim all write the bare id).
    return { kind: 'kubernetes', podUid: podUidFromCgroup(k8sFs[1]), containerId: k8sFs[2], engine: undefined };
  }
  if (scope?.[1] === 'docker' && scope[2]) return { kind: 'docker', id: scope[2] };
  if (scope?.[1] === 'libpod' && scope[2]) {
    const pod = PODMAN_POD_SLICE.exec(path)?.[1];
    return pod ? { kind: 'podman', id: scope[2], podId: pod } : { kind: 'podman', id: scope[2] };
  }
  const podmanFs = PODMAN_CGROUPFS.exec(path);
  if (podmanFs?.[2])
    return podmanFs[1] ? { kind: 'podman', id: podmanFs[2], podId: podmanFs[1] } : { kind: 'podman', id: podmanFs[2] };
  const dockerFs = DOCKER_CGROUPFS.exec(path);
  if (dockerFs?.[1]) return { kind: 'docker', id: dockerFs[1] };
  // A systemd service (PrivateNetwork= gives it its own netns): the innermost .service; user@UID.service is a
  // user's session manager, not a service anyone would name a netns after.
  let unit: string | undefined;
  for (const m of path.matchAll(SERVICE)) if (m[1] && !/^user@\d+\.service$/.test(m[1])) unit = m[1];
  return unit ? { kind: 'systemd', unit } : undefined;
}

/** Paths of a /proc/PID/cgroup file, best first: the v2 unified path, then name=systemd, then the v1 controllers. */
export function cgroupPaths(procCgroup: string): string[] {
  const v2: string[] = [];
  const named: string[] = [];
  const v1: string[] = [];
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, hier, controllers, path] = m;
    if (path === undefined || path === '/' || path === '') continue;
    if (hier === '0' && controllers === '') v2.push(path);
    else if (controllers === 'name=systemd') named.push(path);
    else v1.push(path);
  }
  return [...v2, ...named, ...v1];
}

/**
 * The owner hint of a process from its /proc/PID/cgroup text: the first path naming a container, else the first
 * naming a service (hybrid v1/v2 hosts can show a service in one hierarchy and the container in another).
 */
export function hintFromProcCgroup(procCgroup: string): CgroupHint | undefined {
  let service: CgroupHint | undefined;
  for (const p of cgroupPaths(procCgroup)) {
    const h = parseCgroupPath(p);
    if (h && h.kind !== 'systemd') return h;
    service ??= h;
  }
  return service;
}
