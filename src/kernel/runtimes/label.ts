// How a netns is called on screen, in alerts and in reports: by what runs in it, else its ip netns name, else inode.
import type { NetnsOwner, NetnsRef } from '../../model/host-sample.js';

/** `web1 (docker, nginx:1.27)`, `shop/cart-7d9f (pod)`, `nginx.service`, `db (podman, postgres:16)`. */
export function ownerLabel(o: NetnsOwner): string {
  switch (o.runtime) {
    case 'kubernetes':
      return `${o.name} (pod)`;
    case 'systemd':
      return o.name;
    default:
      return `${o.name} (${o.runtime}${o.image ? `, ${o.image}` : ''})`;
  }
}

/** The one-line name of a netns: owner, else `ip netns` name, else `netns:<inode>`. */
export function netnsDisplayName(ref: NetnsRef): string {
  if (ref.owner) return ownerLabel(ref.owner);
  return ref.name ?? `netns:${ref.inode}`;
}

/** Short selector a user can type back into --netns: `docker:web1`, `pod:shop/cart-7d9f`, `nginx.service`. */
export function ownerSelector(o: NetnsOwner): string {
  switch (o.runtime) {
    case 'kubernetes':
      return `pod:${o.name}`;
    case 'systemd':
      return o.name;
    default:
      return `${o.runtime}:${o.name}`;
  }
}
