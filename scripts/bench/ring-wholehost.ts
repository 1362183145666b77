// Flight recorder ring, whole host: N namespaces (a listener + 2 connections/s each, netns-fleet.ts) watched by one
// whole-host session (eBPF, 1 s) whose raw inputs feed InputRings in this process, first idle, then with a lab pair at
// max churn. Per interval (a loaded machine polls less often than every 1 s, so per-minute figures are per-interval
// ones × 60): what the ring holds (delta-encoded lines gzipped in 10 s chunks, the newest chunk as text), the same
// lines never gzipped, and what the previous ring took (a full JSON sample of every netns per interval); the longest
// push (its main-thread share: the gzip runs in the thread pool) and the event loop's delay over each phase
// (perf_hooks.monitorEventLoopDelay: max and p99), which a chunk's gzip adds to when it runs on the main thread.
// `--no-ring` feeds no ring: the session's own loop delay, the baseline the ring's share is read against.
// Prints one JSON line.
// Usage (root, after npm run build): npx tsx scripts/bench/ring-wholehost.ts [--netns 50] [--seconds 60] [--no-ring]
//   [--chunk-ms 10000]
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { runScenario } from '../lab/index.js';
import type { RawInput } from '../../src/model/inputs.js';
import { InputRing } from '../../src/record/ring.js';
import { startWholeHostSession } from '../../src/session/wholehost.js';
import { netnsFleet } from './netns-fleet.js';

const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? d) : d;
};
const N = Number(arg('netns', '50'));
const SECONDS = Number(arg('seconds', '60'));
const NO_RING = process.argv.includes('--no-ring');
/** The ring's chunk (default 10 s as the flight recorder runs it); longer: the chunk size of a saturated machine. */
const CHUNK_MS = Number(arg('chunk-ms', '10000'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const say = (m: string): void =>
  void process.stderr.write(`[ring-wholehost ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

interface Phase {
  /** The ring as the flight recorder runs it with --ring 15m (segments of 60 s gzipped in 10 s chunks). */
  held: InputRing;
  /** Lines never gzipped (one segment for the whole phase): the uncompressed size. */
  raw: InputRing;
  /** The previous ring's estimate: JSON of every input (a full sample of every netns per interval). */
  objectBytes: number;
  namespaces: number;
  intervals: number;
  maxPushMs: number;
  /** Event-loop delay over the phase (sampled every 5 ms). */
  loop: IntervalHistogram;
  t0: number;
  t1: number;
}

let phase: Phase | undefined;
const newPhase = (): Phase => ({
  held: new InputRing({ windowMs: 15 * 60_000, maxBytes: 2 ** 40, chunkMs: CHUNK_MS }),
  raw: new InputRing({ windowMs: 15 * 60_000, maxBytes: 2 ** 40, segmentMs: 86_400_000, chunkMs: 86_400_000 }),
  objectBytes: 0,
  namespaces: 0,
  intervals: 0,
  maxPushMs: 0,
  loop: monitorEventLoopDelay({ resolution: 5 }),
  t0: 0,
  t1: 0,
});
const onInput = (i: RawInput): void => {
  const p = phase;
  if (!p) return;
  // Each phase starts at a host poll, as a ring does.
  if (p.intervals === 0 && i.kind !== 'hosts') return;
  if (!NO_RING) {
    const t = performance.now();
    p.held.push(i);
    p.maxPushMs = Math.max(p.maxPushMs, performance.now() - t);
    p.raw.push(i);
    p.objectBytes += i.kind === 'probe' ? i.line.length + 32 : JSON.stringify(i).length;
  }
  if (i.kind === 'hosts') {
    if (p.intervals === 0) p.t0 = i.t;
    p.t1 = i.t;
    p.intervals++;
    p.namespaces = Math.max(p.namespaces, i.set.samples.length);
  }
};

async function measure(name: string, ms: number): Promise<Record<string, number>> {
  phase = newPhase();
  phase.loop.enable();
  await sleep(ms);
  const p = phase;
  phase = undefined;
  p.loop.disable();
  await p.held.idle(); // the last chunks' gzips (thread pool): held bytes are gzip sizes
  const loopMs = (ns: number): number => Math.round(ns / 1e5) / 10;
  const perInterval = (b: number): number => Math.round(b / p.intervals);
  const held = p.held.stats();
  const r = {
    [`${name}Namespaces`]: p.namespaces,
    [`${name}Intervals`]: p.intervals,
    [`${name}Seconds`]: Math.round((p.t1 - p.t0) / 1000),
    [`${name}HeldBytesPerInterval`]: perInterval(held.bytes),
    [`${name}RawBytesPerInterval`]: perInterval(p.raw.stats().bytes),
    [`${name}ObjectBytesPerInterval`]: perInterval(p.objectBytes),
    [`${name}MaxPushMs`]: Math.round(p.maxPushMs),
    [`${name}LoopDelayMaxMs`]: loopMs(p.loop.max),
    [`${name}LoopDelayP99Ms`]: loopMs(p.loop.percentile(99)),
    [`${name}LoopDelayMeanMs`]: loopMs(p.loop.mean),
  };
  // The held figure, checked: the ring gives back every input it was fed.
  if (p.held.contents().length !== held.inputs) throw new Error('ring contents do not match its count');
  say(`${name}: ${JSON.stringify(r)}`);
  return r;
}

const fleet = netnsFleet(`tsx-rw-${process.pid}-`);
let stop: (() => Promise<void>) | undefined;
const out: Record<string, number> = { netns: N, seconds: SECONDS, ring: NO_RING ? 0 : 1, chunkMs: CHUNK_MS };
try {
  say(`starting ${N} namespaces`);
  await fleet.addRange(0, N, true);
  const session = await startWholeHostSession({ intervalMs: 1000, mode: 'ebpf' });
  stop = () => session.stop();
  session.inputs$.subscribe(onInput);
  session.snapshots$.subscribe(() => undefined);
  await sleep(10_000); // bpftrace attach, every netns sampled once
  Object.assign(out, await measure('idle', SECONDS * 1000));
  let churn: Record<string, number> = {};
  const truth = await runScenario('churn', {
    rate: 'max',
    durationMs: (SECONDS + 8) * 1000,
    beforeTraffic: async () => {
      void sleep(4000).then(async () => (churn = await measure('churn', SECONDS * 1000)));
    },
  });
  await sleep(500);
  Object.assign(out, churn, { churnConnectionsPerSec: Math.round(Number(truth.measured.ratePerSec)) });
} finally {
  await stop?.().catch(() => undefined);
  await fleet.destroy();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
