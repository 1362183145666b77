// Decides what owns a netns from the cgroup hints of the processes inside and the runtimes' metadata: pure, so
// every rule (pod over its containers, containers over ip netns names over services) is unit-tested.
import type { NetnsOwner } from '../../model/host-sample.js';
import type { CgroupHint } from './cgroup-path.js';
import type { EngineContainer } from './engine-api.js';
import type { KubeNodeIndex } from './kubelet-pods.js';

export interface OwnerFacts {
  /** Hints of the processes inside, lowest pid first (undefined: the process has no recognisable cgroup). */
  hints: (CgroupHint | undefined)[];
  /** `ip netns` names of this netns. */
  ipNetnsNames: string[];
  docker?: (id: string) => EngineContainer | undefined;
  podman?: (id: string) => EngineContainer | undefined;
  kube?: KubeNodeIndex | undefined;
}

const shortId = (id: string): string => id.slice(0, 12);

function fromContainers(
  runtime: 'docker' | 'podman',
  ids: string[],
  lookup: ((id: string) => EngineContainer | undefined) | undefined,
): NetnsOwner {
  const found = ids.map((id) => lookup?.(id));
  const first = found[0];
  const firstId = ids[0] ?? '';
  const owner: NetnsOwner = { runtime, name: first?.name ?? shortId(firstId), id: firstId };
  if (first?.image) owner.image = first.image;
  const project = first?.labels['com.docker.compose.project'];
  const service = first?.labels['com.docker.compose.service'];
  if (project !== undefined && service !== undefined) owner.compose = { project, service };
  if (ids.length > 1) owner.containers = ids.map((id, i) => found[i]?.name ?? shortId(id));
  return owner;
}

function fromPod(hints: Extract<CgroupHint, { kind: 'kubernetes' }>[], kube: KubeNodeIndex | undefined): NetnsOwner {
  const uid = hints[0]?.podUid ?? '';
  const same = hints.filter((h) => h.podUid === uid);
  const pod = kube?.pods.get(uid);
  const ids = [...new Set(same.map((h) => h.containerId).filter((id): id is string => id !== undefined))];
  const owner: NetnsOwner = { runtime: 'kubernetes', name: pod ? `${pod.namespace}/${pod.name}` : `pod-${uid}` };
  if (pod) owner.pod = { namespace: pod.namespace, name: pod.name, uid };
  if (ids[0]) owner.id = ids[0];
  const engine = same.find((h) => h.engine !== undefined)?.engine;
  if (engine) owner.engine = engine;
  // The pod's log dir lists every container; the container symlinks name the ones we saw by id.
  const containers =
    pod && pod.containers.length > 0
      ? pod.containers
      : ids.map((id) => kube?.containers.get(id)).filter((n): n is string => n !== undefined);
  if (containers.length > 0) owner.containers = containers;
  return owner;
}

/**
 * Kubernetes pod (its sandbox holds the netns) > docker/podman container(s) > none when it has an `ip netns` name
 * (the name says it) > systemd service (PrivateNetwork=). Undefined: unknown owner, the netns keeps its inode.
 */
export function decideOwner(f: OwnerFacts): NetnsOwner | undefined {
  const hints = f.hints.filter((h): h is CgroupHint => h !== undefined);
  const kube = hints.filter((h): h is Extract<CgroupHint, { kind: 'kubernetes' }> => h.kind === 'kubernetes');
  if (kube.length > 0) return fromPod(kube, f.kube);
  for (const runtime of ['docker', 'podman'] as const) {
    const ids = [...new Set(hints.filter((h) => h.kind === runtime).map((h) => (h as { id: string }).id))];
    if (ids.length > 0) return fromContainers(runtime, ids, runtime === 'docker' ? f.docker : f.podman);
  }
  if (f.ipNetnsNames.length > 0) return undefined;
  const unit = hints.find((h): h is Extract<CgroupHint, { kind: 'systemd' }> => h.kind === 'systemd')?.unit;
  return unit ? { runtime: 'systemd', name: unit, unit } : undefined;
}
