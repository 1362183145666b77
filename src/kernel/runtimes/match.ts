// Matches a --netns word against the owners on the host: `web1`, `docker:web1`, `pod:shop/cart-7d9f`, `cart-7d9f`,
// `nginx.service`, a container id prefix. Pure: ambiguity and close matches are decided here and unit-tested.
import type { NetnsOwner } from '../../model/host-sample.js';
import { ownerSelector } from './label.js';

export interface OwnedNetns {
  inode: number;
  owner: NetnsOwner;
}

export type OwnerMatch =
  | { kind: 'one'; netns: OwnedNetns }
  | { kind: 'ambiguous'; candidates: OwnedNetns[] }
  | { kind: 'none'; close: string[] };

const PREFIXES: Record<string, NetnsOwner['runtime']> = {
  docker: 'docker',
  podman: 'podman',
  pod: 'kubernetes',
  k8s: 'kubernetes',
  kubernetes: 'kubernetes',
  systemd: 'systemd',
  service: 'systemd',
};

/** `docker:web1` -> runtime + word; undefined runtime for a bare word. */
export function splitSelector(spec: string): { runtime: NetnsOwner['runtime'] | undefined; word: string } {
  const m = /^([a-z0-9]+):(.+)$/.exec(spec);
  const runtime = m?.[1] ? PREFIXES[m[1]] : undefined;
  return runtime && m?.[2] ? { runtime, word: m[2] } : { runtime: undefined, word: spec };
}

/** Does a word name this owner exactly? Container/pod/unit name, `ns/pod`, the pod name alone, `NAME` for `NAME.service`. */
function namesExactly(o: NetnsOwner, word: string): boolean {
  if (o.name === word) return true;
  if (o.pod && o.pod.name === word) return true;
  if (o.runtime === 'systemd' && o.name === `${word}.service`) return true;
  return false;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/** Candidates by name, then by id prefix (>= 4 hex chars, like docker's short ids); close matches when none. */
export function matchOwner(spec: string, all: OwnedNetns[]): OwnerMatch {
  const { runtime, word } = splitSelector(spec);
  const pool = runtime ? all.filter((n) => n.owner.runtime === runtime) : all;
  const uniq = (list: OwnedNetns[]): OwnedNetns[] => [...new Map(list.map((n) => [n.inode, n])).values()];
  const byName = uniq(pool.filter((n) => namesExactly(n.owner, word)));
  if (byName.length === 1 && byName[0]) return { kind: 'one', netns: byName[0] };
  if (byName.length > 1) return { kind: 'ambiguous', candidates: byName };
  if (/^[0-9a-f]{4,64}$/.test(word)) {
    const byId = uniq(pool.filter((n) => n.owner.id?.startsWith(word)));
    if (byId.length === 1 && byId[0]) return { kind: 'one', netns: byId[0] };
    if (byId.length > 1) return { kind: 'ambiguous', candidates: byId };
  }
  const scored = pool
    .map((n) => ({
      sel: ownerSelector(n.owner),
      d: Math.min(levenshtein(word, n.owner.name), n.owner.pod ? levenshtein(word, n.owner.pod.name) : Infinity),
      sub: n.owner.name.includes(word),
    }))
    .filter((s) => s.sub || s.d <= Math.max(2, Math.floor(word.length / 3)))
    .sort((a, b) => a.d - b.d || a.sel.localeCompare(b.sel));
  return { kind: 'none', close: [...new Set(scored.map((s) => s.sel))].slice(0, 5) };
}
