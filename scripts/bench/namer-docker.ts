// Bench: the namer's share of a whole-host poll when the namespaces are real Docker containers (the lab's private
// dockerd, N containers of the lab image): every container netns named through cached cgroup hints and the Docker
// directory kept current by the engine's event stream. Prints one JSON line.
// Usage: npx tsx scripts/bench/namer-docker.ts [--containers 50]
import { startLabDocker } from '../lab/index.js';
import { createNetnsNamer } from '../../src/kernel/runtimes/namer.js';
import { createHostSetSampler } from '../../src/kernel/wholehost/sampler.js';

const i = process.argv.indexOf('--containers');
const N = Math.min(60, Number(i >= 0 ? process.argv[i + 1] : '50'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const say = (m: string): void =>
  void process.stderr.write(`[namer-docker ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

const lab = await startLabDocker();
const out: Record<string, number> = {};
try {
  say(`starting ${N} containers`);
  const inodes = new Set<number>();
  for (let k = 0; k < N; k++) inodes.add((await lab.run(`tslab-bench-${k}`, { port: 8080 })).netnsInode);
  const namer = createNetnsNamer({ dockerSocket: lab.socket });
  const sampler = createHostSetSampler({ namer });
  await sampler.poll();
  const poll: number[] = [];
  const naming: number[] = [];
  const reads0 = sampler.stats().ownerHintReads;
  let named = 0;
  for (let k = 0; k < 15; k++) {
    const t0 = performance.now();
    const set = await sampler.poll();
    poll.push(performance.now() - t0);
    naming.push(sampler.stats().ownerMs);
    named = set.samples.filter((s) => inodes.has(s.netns.inode) && s.netns.owner?.runtime === 'docker').length;
    await sleep(200);
  }
  out.cgroupReadsPerPoll = Math.round(((sampler.stats().ownerHintReads - reads0) / 15) * 10) / 10;
  await sampler.close();
  namer.close();
  poll.sort((a, b) => a - b);
  naming.sort((a, b) => a - b);
  out.containers = N;
  out.named = named;
  out.pollMsMedian = Math.round(poll[7]! * 10) / 10;
  out.namerMsMedian = Math.round(naming[7]! * 100) / 100;
  out.namerMsMax = Math.round(naming[14]! * 100) / 100;
} finally {
  await lab.stop();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
