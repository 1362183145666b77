// Bench: the whole-host view's budget. N namespaces (each a churn listener + 2 connections/s of loopback traffic) plus
// the host netns holding 10 k sockets: one full multi-netns poll (wall, median), tcpscope's whole process tree CPU at a
// 1 s interval (node + bpftrace + every helper, reaped ones included), RSS with 200 namespaces, and recording bytes per
// quiet netns per interval; the namer's share of a poll (owners of every netns: cached cgroup hints, map lookups).
// Prints one JSON line. Usage: npx tsx scripts/bench/wholehost.ts [--netns 50] [--seconds 30] [--poll-only]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { createHostSetSampler } from '../../src/kernel/wholehost/sampler.js';
import { createNetnsNamer } from '../../src/kernel/runtimes/namer.js';
import { cpuSeconds, descendants, reapedChildrenCpuSeconds, rssMb } from './proc.js';
import { startWholeHostLoad, type WholeHostLoad } from './wholehost-load.js';

const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? d) : d;
};
const N = Number(arg('netns', '50'));
const SECONDS = Number(arg('seconds', '30'));
const BIG = Number(arg('netns-rss', '200'));
/** Only the poll measurements (1 and 1b): no recording, no 200-netns RSS run. */
const POLL_ONLY = process.argv.includes('--poll-only');
const CLI = 'dist/cli/main.js';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const children: ResultPromise[] = [];

/** CPU seconds of the tree: node itself, its bpftrace, other live helpers, and helpers it has reaped. */
async function treeCpu(
  root: number,
): Promise<{ node: number; bpftrace: number; helpers: number; reaped: number; total: number }> {
  const kids = await descendants(root);
  const sum = async (pids: number[]): Promise<number> =>
    (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
  const node = await cpuSeconds(root);
  const bpftrace = await sum(kids.filter((k) => k.comm === 'bpftrace').map((k) => k.pid));
  const helpers = await sum(kids.filter((k) => k.comm !== 'bpftrace').map((k) => k.pid));
  const reaped = await reapedChildrenCpuSeconds(root);
  return { node, bpftrace, helpers, reaped, total: node + bpftrace + helpers + reaped };
}

async function waitLine(child: ResultPromise, pred: (l: string) => boolean, ms: number): Promise<void> {
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error('timeout waiting for tcpscope')), ms);
    let buf = '';
    child.stderr?.on('data', (d: Buffer) => {
      buf += d.toString();
      if (pred(buf)) {
        clearTimeout(t);
        res();
      }
    });
  });
}

const out: Record<string, number> = {};
const say = (m: string): void =>
  void process.stderr.write(`[wholehost ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const dir = await mkdtemp(join(tmpdir(), 'tcpscope-whbench-'));
let load: WholeHostLoad | undefined;
try {
  say('holding 10 k sockets in the host netns');
  load = await startWholeHostLoad(10_000);
  say(`starting ${N} namespaces`);
  await load.add(0, N, true);
  await sleep(2000);

  say('polling');
  // 1. One full poll of every netns (the sampler alone, as the session runs it, with its namer), median of 15 after
  // a warm-up. 1b: the namer's own wall time per poll (NetnsOwners.update after the reads), and cgroup files read.
  const namer = createNetnsNamer();
  const sampler = createHostSetSampler({ namer });
  await sampler.poll();
  const times: number[] = [];
  const ownerTimes: number[] = [];
  const reads0 = sampler.stats().ownerHintReads;
  let sampled = 0;
  let named = 0;
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    const set = await sampler.poll();
    times.push(performance.now() - t0);
    ownerTimes.push(sampler.stats().ownerMs);
    sampled = set.samples.length;
    named = set.samples.filter((x) => x.netns.owner !== undefined).length;
    await sleep(200);
  }
  const hintReadsPerPoll = (sampler.stats().ownerHintReads - reads0) / 15;
  await sampler.close();
  namer.close();
  times.sort((a, b) => a - b);
  ownerTimes.sort((a, b) => a - b);
  out.pollMsMedian = Math.round(times[7]! * 10) / 10;
  out.pollMsMax = Math.round(times[14]! * 10) / 10;
  out.sampled = sampled;
  out.named = named;
  out.namerMsMedian = Math.round(ownerTimes[7]! * 100) / 100;
  out.namerMsMax = Math.round(ownerTimes[14]! * 100) / 100;
  out.namerCgroupReadsPerPoll = Math.round(hintReadsPerPoll * 10) / 10;

  if (!POLL_ONLY) {
    say('recording');
    // 2. CPU of the whole tree of `tcpscope record` (whole host, eBPF, 1 s): node + bpftrace + helpers. Also gives 4.
    const file = join(dir, 'wh.ndjson');
    const rec = execa('node', [CLI, 'record', '-o', file, '--interval', '1s'], {
      reject: false,
      stdout: 'ignore',
      stderr: 'pipe',
      stdin: 'ignore',
    });
    children.push(rec);
    await waitLine(rec, (s) => s.includes('recording'), 60_000);
    await sleep(8000); // bpftrace attach + warm-up
    const c0 = await treeCpu(rec.pid!);
    const w0 = performance.now();
    await sleep(SECONDS * 1000);
    const c1 = await treeCpu(rec.pid!);
    const secs = (performance.now() - w0) / 1000;
    const p = (k: keyof typeof c0): number => Math.round(((c1[k] - c0[k]) / secs) * 1000) / 10;
    out.cpuPctOfCore = p('total');
    out.cpuNodePct = p('node');
    out.cpuBpftracePct = p('bpftrace');
    out.cpuHelpersPct = Math.round((p('helpers') + p('reaped')) * 10) / 10;
    out.rssMb50 = Math.round((await rssMb(rec.pid!)) ?? 0);
    rec.kill('SIGINT');
    await rec;

    // 4. Recording bytes per quiet netns per interval: whole-host lines only, per netns listed in them. Quiet = the
    // namespaces without a change (they cost their inode); the average over all includes the busy ones.
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.startsWith('{"k":"H"'));
    const steady = lines.slice(2);
    let bytes = 0;
    let nsCount = 0;
    let quietBytes = 0;
    let quietCount = 0;
    for (const l of steady) {
      const v = JSON.parse(l) as { ns: number[]; d: { i: number }[] };
      bytes += l.length + 1;
      nsCount += v.ns.length;
      const changed = new Set(v.d.map((d) => d.i));
      for (const i of v.ns)
        if (!changed.has(i)) {
          quietCount++;
          quietBytes += String(i).length + 1;
        }
    }
    out.recordBytesPerNetnsInterval = Math.round((bytes / Math.max(1, nsCount)) * 10) / 10;
    out.recordBytesPerQuietNetnsInterval = quietCount > 0 ? Math.round((quietBytes / quietCount) * 10) / 10 : NaN;
    out.intervals = steady.length;

    say(`RSS with ${BIG} namespaces`);
    // 3. RSS with BIG namespaces: the rest are listeners without traffic.
    await load.add(N, BIG, false);
    const w = execa('node', [CLI, 'watch', '--json', '--interval', '1s'], {
      reject: false,
      stdout: 'pipe',
      stderr: 'pipe',
      stdin: 'ignore',
    });
    children.push(w);
    let seen = 0;
    let rss = 0;
    w.stdout?.on('data', (d: Buffer) => {
      seen += d.toString().split('\n').length - 1;
    });
    const until = Date.now() + 45_000;
    while (Date.now() < until && seen < 20) {
      await sleep(1000);
      rss = Math.max(rss, (await rssMb(w.pid!)) ?? 0);
    }
    out.rssMb200 = Math.round(rss);
    out.snapshots200 = seen;
    w.kill('SIGINT');
    await w;
  }
} finally {
  for (const c of children) c.kill('SIGINT');
  await Promise.all(children.map((c) => c.catch(() => undefined)));
  await load?.stop();
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(out)}\n`);
