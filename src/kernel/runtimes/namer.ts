// The netns namer: processes -> /proc/PID/cgroup -> hints -> owner with the engines' and kubelet's metadata.
// One per session; cheap per call (cgroup files of a few pids, map lookups), engines asked only on cache misses.
import { readFile } from 'node:fs/promises';
import type { NetnsOwner } from '../../model/host-sample.js';
import { hintFromProcCgroup, type CgroupHint } from './cgroup-path.js';
import { dockerSocketPath } from './engine-api.js';
import { createContainerDirectory, type ContainerDirectory } from './engine-directory.js';
import { readKubeNodeIndex, type KubeNodeIndex } from './kubelet-pods.js';
import { decideOwner } from './owner.js';

/** Cgroup hints of the processes of one netns (undefined: a process without a recognisable cgroup). */
export type NetnsHints = (CgroupHint | undefined)[];

export interface NetnsNamerOptions {
  /** Docker Engine socket; default $DOCKER_HOST (unix://) or /var/run/docker.sock; null: do not ask Docker. */
  dockerSocket?: string | null;
  /** podman's Docker-compatible socket; default $CONTAINER_HOST (unix://) or /run/podman/podman.sock; null: cgroup only. */
  podmanSocket?: string | null;
  /** Root for the kubelet's /var/log/pods and /var/log/containers (tests point it at fixtures). */
  root?: string;
  /** /proc (tests point it at fixtures). */
  procRoot?: string;
  /** Processes looked at per netns, lowest pids first (default 16). */
  maxPids?: number;
}

export interface NetnsNamer {
  /**
   * What owns the netns holding `pids` (sorted ascending) now. Processes in tcpscope's own cgroup (its netns
   * holders) are ignored. `ipNetnsNames` of the netns let an `ip netns` name win over a service.
   */
  ownerOf(pids: number[], ipNetnsNames?: string[]): Promise<NetnsOwner | undefined>;
  /** Owners of many namespaces at once (the whole-host view, `tcpscope netns`): inode -> owner (known ones only). */
  ownersOf(
    byInode: Map<number, number[]>,
    names?: Map<number, string[]>,
    skipInodes?: Set<number>,
  ): Promise<Map<number, NetnsOwner>>;
  /**
   * The cgroup hints of the processes `pids` (one /proc/PID/cgroup read each, at most `maxPids`, tcpscope's own
   * processes left out): what `ownerFromHints` decides from. Callers that poll often cache them per netns.
   */
  hintsOf(pids: number[]): Promise<NetnsHints>;
  /** The owner from hints read earlier: map lookups in the engines' caches (a listing only for unknown ids). */
  ownerFromHints(hints: NetnsHints, ipNetnsNames?: string[]): Promise<NetnsOwner | undefined>;
  /** Degraded sources seen since the last call, each said once per session (e.g. Docker socket unreadable). */
  takeNotes(): string[];
  /** Stops the engines' event streams. */
  close(): void;
}

function unixSocketFromEnv(value: string | undefined): string | undefined {
  return value?.startsWith('unix://') ? value.slice('unix://'.length) : undefined;
}

export function createNetnsNamer(opts: NetnsNamerOptions = {}): NetnsNamer {
  const procRoot = opts.procRoot ?? '/proc';
  const maxPids = opts.maxPids ?? 16;
  const dockerSock = opts.dockerSocket === undefined ? dockerSocketPath() : opts.dockerSocket;
  const podmanSock =
    opts.podmanSocket === undefined
      ? (unixSocketFromEnv(process.env.CONTAINER_HOST) ?? '/run/podman/podman.sock')
      : opts.podmanSocket;
  let docker: ContainerDirectory | undefined;
  let podman: ContainerDirectory | undefined;
  let kube: KubeNodeIndex | undefined;
  let kubeReadAt = -Infinity;
  const said = new Set<string>();
  const pending: string[] = [];
  let ownCgroup: Promise<string | undefined> | undefined;

  const note = (text: string): void => {
    if (said.has(text)) return;
    said.add(text);
    pending.push(text);
  };

  const readCgroup = (pid: number): Promise<string | undefined> =>
    readFile(`${procRoot}/${pid}/cgroup`, 'utf8').catch(() => undefined);

  async function hintsOf(pids: number[]): Promise<NetnsHints> {
    ownCgroup ??= readCgroup(process.pid);
    const mine = await ownCgroup;
    const texts = await Promise.all(
      pids
        .filter((p) => p !== process.pid)
        .slice(0, maxPids)
        .map(readCgroup),
    );
    return texts.filter((t): t is string => t !== undefined && t !== mine).map(hintFromProcCgroup);
  }

  async function directory(runtime: 'docker' | 'podman', ids: string[]): Promise<ContainerDirectory | undefined> {
    const sock = runtime === 'docker' ? dockerSock : podmanSock;
    if (sock === null) return undefined;
    let dir = runtime === 'docker' ? docker : podman;
    if (!dir) {
      dir = createContainerDirectory({ runtime, socketPath: sock });
      if (runtime === 'docker') docker = dir;
      else podman = dir;
    }
    for (const id of ids) await dir.ensure(id);
    const problem = dir.problem();
    if (problem) note(`${problem}: ${runtime} containers named by short id`);
    return dir;
  }

  async function kubeIndex(hints: CgroupHint[]): Promise<KubeNodeIndex | undefined> {
    const unknown = hints.some(
      (h) =>
        h.kind === 'kubernetes' &&
        (!kube?.pods.has(h.podUid) || (h.containerId !== undefined && !kube.containers.has(h.containerId))),
    );
    if (unknown && Date.now() - kubeReadAt > 5000) {
      kubeReadAt = Date.now();
      kube = await readKubeNodeIndex(opts.root ?? '/');
      if (kube.pods.size === 0) note('no kubelet pod logs in /var/log/pods: pods named by UID');
    }
    return kube;
  }

  async function decide(hints: NetnsHints, ipNetnsNames: string[]): Promise<NetnsOwner | undefined> {
    const known = hints.filter((h): h is CgroupHint => h !== undefined);
    const idsOf = (kind: 'docker' | 'podman'): string[] => known.flatMap((h) => (h.kind === kind ? [h.id] : []));
    const dockerIds = idsOf('docker');
    const podmanIds = idsOf('podman');
    const [d, p, k] = await Promise.all([
      dockerIds.length > 0 ? directory('docker', dockerIds) : Promise.resolve(docker),
      podmanIds.length > 0 ? directory('podman', podmanIds) : Promise.resolve(podman),
      kubeIndex(known),
    ]);
    return decideOwner({ hints, ipNetnsNames, docker: d?.get, podman: p?.get, kube: k });
  }

  return {
    async ownerOf(pids, ipNetnsNames = []) {
      return decide(await hintsOf(pids), ipNetnsNames);
    },
    async ownersOf(byInode, names = new Map(), skipInodes = new Set()) {
      const out = new Map<number, NetnsOwner>();
      for (const [inode, pids] of byInode) {
        if (skipInodes.has(inode)) continue;
        const owner = await decide(await hintsOf(pids), names.get(inode) ?? []);
        if (owner) out.set(inode, owner);
      }
      return out;
    },
    hintsOf,
    ownerFromHints: (hints, ipNetnsNames = []) => decide(hints, ipNetnsNames),
    takeNotes: () => pending.splice(0),
    close() {
      docker?.close();
      podman?.close();
    },
  };
}
