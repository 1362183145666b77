// Public API of netns naming: what runs in each network namespace (Docker, Kubernetes, podman, systemd).
export { parseCgroupPath, cgroupPaths, hintFromProcCgroup, podUidFromCgroup, type CgroupHint } from './cgroup-path.js';
export {
  readKubeNodeIndex,
  parsePodLogDir,
  parseContainerLogName,
  type KubeNodeIndex,
  type KubePod,
} from './kubelet-pods.js';
export {
  listContainers,
  followEvents,
  parseEngineEvent,
  dockerSocketPath,
  type EngineContainer,
  type EngineEvent,
} from './engine-api.js';
export { createContainerDirectory, type ContainerDirectory } from './engine-directory.js';
export { decideOwner, type OwnerFacts } from './owner.js';
export { createNetnsNamer, type NetnsNamer, type NetnsNamerOptions } from './namer.js';
export { ownerLabel, netnsDisplayName, ownerSelector } from './label.js';
export { matchOwner, splitSelector, type OwnedNetns, type OwnerMatch } from './match.js';
