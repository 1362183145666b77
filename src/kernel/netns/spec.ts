// Classifies a --netns argument (name, path, pid, inode) before touching the system: pure, unit-tested.

export type NetnsSpec =
  | { kind: 'self' }
  | { kind: 'name'; name: string }
  | { kind: 'path'; path: string }
  /** Digits: a pid if /proc/<n> exists, else a netns inode. */
  | { kind: 'number'; n: number }
  /** `net:[4026531840]` as printed by readlink /proc/PID/ns/net. */
  | { kind: 'inode'; inode: number };

/** Names accepted by `ip netns add`: no slash, not `.`/`..`, no NUL, not empty. */
export function isValidNetnsName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !name.includes('/') &&
    !name.includes('\0') &&
    name !== '.' &&
    name !== '..'
  );
}

export function parseNetnsSpec(spec: string | undefined): NetnsSpec | undefined {
  if (spec === undefined || spec === '' || spec === 'self') return { kind: 'self' };
  const tagged = /^net:\[(\d+)\]$/.exec(spec);
  if (tagged?.[1]) return { kind: 'inode', inode: Number(tagged[1]) };
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    return Number.isSafeInteger(n) && n > 0 ? { kind: 'number', n } : undefined;
  }
  if (spec.includes('/')) return { kind: 'path', path: spec };
  return isValidNetnsName(spec) ? { kind: 'name', name: spec } : undefined;
}
