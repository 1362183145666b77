// Decodes connlat.bt's per-remote maps (@ra/@ras/@rax/@rar/@raf keyed netns, remote address, remote port; @rao per
// netns) of one interval into RemoteConnectRows: which remote the connects went to, bounded in the kernel.
import type { RemoteConnectRow } from '../../model/latency-batch.js';
import type { IntervalMaps } from './latency-decode.js';

export const REMOTE_MAPS = ['@ra', '@ras', '@rar', '@raf', '@rao'] as const;
export const REMOTE_PEAKS = ['@rax'] as const;

const ADDR = /^[0-9a-fA-F.:]+$/;
const INT = /^\d+$/;

/** [netns, addr, port, ...ints] of a key, or undefined (counted in `bad`). */
function parseKey(k: string, arity: number): [number, string, number, number[]] | undefined {
  const p = k.split(',');
  if (p.length !== arity || !INT.test(p[0]!) || !ADDR.test(p[1]!) || !p.slice(2).every((x) => INT.test(x)))
    return undefined;
  const nums = p.slice(2).map(Number);
  if (!Number.isSafeInteger(Number(p[0])) || nums.some((n) => !Number.isSafeInteger(n) || n > 0xffffffff))
    return undefined;
  return [Number(p[0]), p[1]!, nums[0]!, nums.slice(1)];
}

/**
 * The interval's per-remote rows (sorted by netns, address, port) and untracked connects per netns; nothing when the
 * program had no per-remote maps (recordings made before them).
 */
export function decodeRemotes(
  maps: IntervalMaps,
  bad: { n: number },
): { remote?: RemoteConnectRow[]; untracked?: { netns: number; count: number }[] } {
  if (![...REMOTE_MAPS, ...REMOTE_PEAKS].some((m) => maps.has(m))) return {};
  const rows = new Map<string, RemoteConnectRow>();
  const row = (ns: number, daddr: string, dport: number): RemoteConnectRow => {
    const key = `${String(ns).padStart(10, '0')} ${daddr} ${String(dport).padStart(5, '0')}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { netns: ns, daddr, dport, count: 0, sumUs: 0, maxUs: 0, slow: 0, failed: {} }));
    return r;
  };
  const each = (name: string, arity: number, f: (r: RemoteConnectRow, v: number, extra: number[]) => void): void => {
    for (const [k, v] of maps.get(name) ?? []) {
      const key = parseKey(k, arity);
      if (!key) {
        bad.n++;
        continue;
      }
      f(row(key[0], key[1], key[2]), v, key[3]);
    }
  };
  each('@ra', 3, (r, v) => void (r.count += v));
  each('@ras', 3, (r, v) => void (r.sumUs += v));
  each('@rar', 3, (r, v) => void (r.slow += v));
  each('@rax', 3, (r, v) => void (r.maxUs = Math.max(r.maxUs, v)));
  each('@raf', 4, (r, v, [err]) => void (r.failed[err!] = (r.failed[err!] ?? 0) + v));
  const remote = [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, r]) => r)
    .filter((r) => r.count > 0 || Object.keys(r.failed).length > 0);
  // The peak map can lose a max landing between its print and clear: the average is a floor for it.
  for (const r of remote) if (r.count > 0 && r.maxUs * r.count < r.sumUs) r.maxUs = Math.ceil(r.sumUs / r.count);
  const untracked: { netns: number; count: number }[] = [];
  for (const [k, v] of maps.get('@rao') ?? []) {
    if (!INT.test(k)) {
      bad.n++;
      continue;
    }
    if (v > 0) untracked.push({ netns: Number(k), count: v });
  }
  untracked.sort((a, b) => a.netns - b.netns);
  return { remote, untracked };
}
