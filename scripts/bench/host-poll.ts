// Bench: one full host poll (census + listeners + owners + counters + sysctls) in a netns holding N sockets.
// Usage: npx tsx scripts/bench/host-poll.ts [--sockets 50000] [--method ss|proc] [--polls 15]
// Prints one JSON line {sockets, pollMsMedian, method}.
//
// Measured here (kernel 6.18 VM, 2 shared cores), census alone, median:
//   10k sockets: read /proc/PID/net/tcp + Buffer scan 36 ms (read alone 30); `ss -tanH` (sock_diag, all states) 28-30 ms
//   50k sockets: /proc read 120 ms (one 16 MB read) to 196 ms (fs.readFile), scan +17 ms; `ss -tanH` 117-121 ms;
//                `ss -tanHoe state <all but ESTABLISHED/TIME_WAIT>` 20 ms  <- chosen: ESTABLISHED and TIME_WAIT
//                are derived from sockstat (see src/kernel/host/census.ts), exact when the netns is quiet.
//   Spawns: `true` 2.2 ms, `ss -ltnH` 3.4 ms, `nsenter --net= -- ss` 4.3 ms, nsenter+grep sysctls 3.5 ms.
// Full poll (this script, 15 polls, load avg ~9 from other work): --method ss 10k 21 ms, 50k 20-42 ms;
// --method proc (fs.readFile + scan) 10k 167 ms, 50k 296 ms. The /proc method is kept as the fallback without ss.
import { execa } from 'execa';
import { resolveNetns } from '../../src/kernel/netns/resolve.js';
import { createHostPoller } from '../../src/kernel/host/poller.js';
import { holdSockets } from './socket-holder.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const sockets = Number(arg('sockets', '50000'));
const method = arg('method', 'ss') === 'proc' ? 'proc' : 'ss';
const polls = Number(arg('polls', '15'));
const ns = `tsx-bench-${process.pid}`;

await execa('ip', ['netns', 'add', ns]);
try {
  await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const holder = await holdSockets(`/run/netns/${ns}`, sockets);
  try {
    const target = await resolveNetns(ns);
    const poller = createHostPoller(target, { censusMethod: method });
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < polls; i++) {
      const t0 = performance.now();
      const s = await poller.poll();
      times.push(performance.now() - t0);
      total = Object.values(s.census).reduce((a, b) => a + b, 0);
    }
    await poller.close();
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? NaN;
    if (process.env.BENCH_DEBUG) process.stderr.write(`${times.map((x) => x.toFixed(0)).join(' ')}\n`);
    process.stdout.write(`${JSON.stringify({ sockets: total, pollMsMedian: Math.round(median * 10) / 10, method })}\n`);
  } finally {
    await holder.stop();
  }
} finally {
  await execa('ip', ['netns', 'del', ns], { reject: false });
}
