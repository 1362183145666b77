// Decodes the connlat.bt maps of one interval (already turned into per-interval counts) into a LatencyBatch.
import { bucketLowUs } from '../../model/latency-stats.js';
import type { ConnectLatencyRow, DurationRow, FailedConnectRow, LatencyBatch } from '../../model/latency-batch.js';
import { decodeRemotes, REMOTE_MAPS, REMOTE_PEAKS } from './remote-decode.js';

/** Maps of connlat.bt; the peak maps are per-interval maxima (last value, never differenced). */
export const LATENCY_MAPS = ['@cl', '@cls', '@clr', '@cf', '@cfs', '@lt', '@lts', '@srt', '@srts'] as const;
export const LATENCY_PEAKS = ['@clx', '@cfx'] as const;

/** Map name -> (comma-joined key -> value) for this interval. */
export type IntervalMaps = ReadonlyMap<string, ReadonlyMap<string, number>>;

const MAX_BUCKET = 63 * 4 + 3;
const pad = (n: number): string => String(n).padStart(10, '0');

/** Rows of one map whose keys are all non-negative integers with `arity` parts; others counted in `bad`. */
function intRows(maps: IntervalMaps, name: string, arity: number, bad: { n: number }): [number[], number][] {
  const m = maps.get(name);
  if (!m) return [];
  const out: [number[], number][] = [];
  for (const [k, v] of m) {
    const parts = k.split(',');
    const nums = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
    if (parts.length !== arity || nums.some((x) => !Number.isSafeInteger(x))) {
      bad.n++;
      continue;
    }
    out.push([nums, v]);
  }
  return out;
}

function durations(maps: IntervalMaps, hist: string, sum: string, bad: { n: number }): DurationRow[] {
  const acc = new Map<string, DurationRow>();
  const row = (ns: number, dir: number, port: number): DurationRow => {
    const key = `${pad(ns)} ${dir} ${pad(port)}`;
    let r = acc.get(key);
    if (!r)
      acc.set(key, (r = { netns: ns, direction: dir === 1 ? 'out' : 'in', port, count: 0, sumUs: 0, buckets: {} }));
    return r;
  };
  for (const [[ns, dir, port, b], c] of intRows(maps, hist, 4, bad)) {
    if (b! > MAX_BUCKET || dir! > 1) {
      bad.n++;
      continue;
    }
    const r = row(ns!, dir!, port!);
    r.count += c;
    r.buckets[b!] = (r.buckets[b!] ?? 0) + c;
  }
  for (const [[ns, dir, port], s] of intRows(maps, sum, 3, bad)) {
    if (dir! > 1) {
      bad.n++;
      continue;
    }
    row(ns!, dir!, port!).sumUs += s;
  }
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, r]) => r)
    .filter((r) => r.count > 0);
}

/** The interval's latency rows, or undefined when connlat.bt printed nothing (not loaded, older recording). */
export function decodeLatency(maps: IntervalMaps, bad: { n: number }): LatencyBatch | undefined {
  if (![...LATENCY_MAPS, ...LATENCY_PEAKS, ...REMOTE_MAPS, ...REMOTE_PEAKS].some((m) => maps.has(m))) return undefined;
  const connect = new Map<string, ConnectLatencyRow>();
  const conn = (ns: number, dport: number): ConnectLatencyRow => {
    const key = `${pad(ns)} ${pad(dport)}`;
    let r = connect.get(key);
    if (!r) connect.set(key, (r = { netns: ns, dport, count: 0, sumUs: 0, maxUs: 0, buckets: {}, synRetrans: {} }));
    return r;
  };
  for (const [[ns, dport, b], c] of intRows(maps, '@cl', 3, bad)) {
    if (b! > MAX_BUCKET) {
      bad.n++;
      continue;
    }
    const r = conn(ns!, dport!);
    r.count += c;
    r.buckets[b!] = (r.buckets[b!] ?? 0) + c;
  }
  for (const [[ns, dport], s] of intRows(maps, '@cls', 2, bad)) conn(ns!, dport!).sumUs += s;
  for (const [[ns, dport], x] of intRows(maps, '@clx', 2, bad)) {
    const r = conn(ns!, dport!);
    r.maxUs = Math.max(r.maxUs, x);
  }
  for (const [[ns, dport, n], c] of intRows(maps, '@clr', 3, bad)) {
    const r = conn(ns!, dport!);
    r.synRetrans[n!] = (r.synRetrans[n!] ?? 0) + c;
  }
  // A peak without a count this interval is a max printed before its count map was (cumulative) differenced to 0.
  const connectRows = [...connect.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, r]) => r)
    .filter((r) => r.count > 0);
  for (const r of connectRows) {
    // The peak map can lose a max landing between its print and clear: never report less than the top bucket's floor.
    const floor = bucketLowUs(Math.max(...Object.keys(r.buckets).map(Number)));
    if (r.maxUs < floor) r.maxUs = Math.max(1, floor);
  }

  const failed = new Map<string, FailedConnectRow>();
  const fail = (ns: number, dport: number, errno: number): FailedConnectRow => {
    const key = `${pad(ns)} ${pad(dport)} ${pad(errno)}`;
    let r = failed.get(key);
    if (!r) failed.set(key, (r = { netns: ns, dport, errno, count: 0, sumUs: 0, maxUs: 0 }));
    return r;
  };
  for (const [[ns, dport, e], c] of intRows(maps, '@cf', 3, bad)) fail(ns!, dport!, e!).count += c;
  for (const [[ns, dport, e], s] of intRows(maps, '@cfs', 3, bad)) fail(ns!, dport!, e!).sumUs += s;
  for (const [[ns, dport, e], x] of intRows(maps, '@cfx', 3, bad)) {
    const r = fail(ns!, dport!, e!);
    r.maxUs = Math.max(r.maxUs, x);
  }
  const failedRows = [...failed.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, r]) => r)
    .filter((r) => r.count > 0);
  for (const r of failedRows) if (r.maxUs === 0) r.maxUs = Math.round(r.sumUs / r.count);

  return {
    connect: connectRows,
    failed: failedRows,
    lifetime: durations(maps, '@lt', '@lts', bad),
    rtt: durations(maps, '@srt', '@srts', bad),
    ...decodeRemotes(maps, bad),
  };
}
