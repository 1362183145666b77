// How a netns is named to people: its `ip netns` name, else its owner (container/pod, when a resolver knows it),
// `host` for the host netns, else its inode.
import type { NetnsIdentity } from '../../model/host-set-sample.js';

export const sectionLabelOf = (n: NetnsIdentity): string =>
  n.name ?? (n.owner ? `${n.owner.runtime}:${n.owner.name}` : n.isHost ? 'host' : `netns:${n.inode}`);
