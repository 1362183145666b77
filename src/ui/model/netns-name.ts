// How the overview names a netns: the one display rule of kernel/runtimes/label.ts (owner, else ip netns name, else
// inode), plus `host` for tcpscope's own netns when nothing better names it.
import { netnsDisplayName } from '../../kernel/runtimes/label.js';
import type { NetnsRef } from '../../model/host-sample.js';

export function netnsName(ref: NetnsRef): string {
  if (ref.isHost && ref.owner === undefined && ref.name === undefined) return 'host';
  return netnsDisplayName(ref);
}
