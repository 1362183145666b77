// How a netns is named to people in whole-host output: by what ran in it at that interval (container/pod/service, in
// the form --netns accepts: `docker:web1`, `pod:shop/cart-7d9f`, `nginx.service`), else its `ip netns` name, `host`
// for the host netns, else its inode.
import type { NetnsIdentity } from '../../model/host-set-sample.js';
import { ownerSelector } from '../../kernel/runtimes/label.js';

export const sectionLabelOf = (n: NetnsIdentity): string =>
  n.owner ? ownerSelector(n.owner) : (n.name ?? (n.isHost ? 'host' : `netns:${n.inode}`));
