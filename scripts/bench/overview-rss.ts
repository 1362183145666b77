// Whole-host overview memory: the overview keeps the last 30 host snapshots so a drill-down starts with history. With
// 200 namespaces: RSS of `tcpscope top` (no --netns, tmux 200×60: the real code path), and that history's share,
// measured in a headless child running the same whole-host session and overview model (a blessed screen drawing into
// a discarding stream) with the 30 host snapshots held beside it as the overview holds them: heap after a full GC,
// then again once they are released. (Releasing the overview itself frees nothing measurable: blessed keeps its
// closures, so its own copy is measured this way.) Setup as the whole-host bench's "RSS with 200 netns": 50 namespaces
// with a listener + 2 conn/s, the rest listeners, 10 k sockets in the host netns. Prints one JSON line.
// Usage (root, after npm run build): npx tsx scripts/bench/overview-rss.ts [--netns 200] [--seconds 45]
//   [--only top,history]
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { execa } from 'execa';
import type { Subscription } from 'rxjs';
import { startWholeHostSession } from '../../src/session/wholehost.js';
import type { HostSnapshot } from '../../src/model/host-snapshot.js';
import { createOverview } from '../../src/ui/overview.js';
import { rssMb } from './proc.js';
import { startWholeHostLoad, type WholeHostLoad } from './wholehost-load.js';

const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? d) : d;
};
const N = Number(arg('netns', '200'));
const SECONDS = Number(arg('seconds', '45'));
const CLI = 'dist/cli/main.js';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const say = (m: string): void =>
  void process.stderr.write(`[overview-rss ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const mb = (b: number): number => Math.round(b / 1024 / 102.4) / 10;

/** A blessed screen that draws into nothing (200×60), as a terminal would receive it. */
function discardingScreen(): blessed.Widgets.Screen {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  // Flowing with no reader: every frame is dropped, as a terminal consumes it.
  const output = Object.assign(new PassThrough(), { columns: 200, rows: 60, isTTY: true }).resume();
  return blessed.screen({ input, output, terminal: 'xterm-256color', smartCSR: true, warnings: false });
}

/** The history the overview keeps (src/ui/overview.ts `recent`): the last 30 host snapshots, as they are. */
type Held = { push(h: HostSnapshot): void };
const heldOf = (): Held => {
  const whole: HostSnapshot[] = [];
  return { push: (h) => void (whole.push(h) > 30 && whole.shift()) };
};

/**
 * Child: the whole-host session feeding an overview (keep 1: it holds no history of its own) and, beside it, the 30
 * host snapshots the overview keeps by default. Heap after a full GC, then again once they are released: their share.
 */
async function child(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the child with node --expose-gc');
  const session = await startWholeHostSession({ intervalMs: 1000, mode: 'ebpf' });
  const screen = discardingScreen();
  const overview = createOverview({ screen, info: session.info, handlers: { quit: () => undefined }, keep: 1 });
  let held: Held | undefined = heldOf();
  let snapshots = 0;
  let namespaces = 0;
  let withSnapshot = 0;
  let rssMax = 0;
  let sub: Subscription | undefined;
  await new Promise<void>((resolve) => {
    sub = session.snapshots$.subscribe((h) => {
      overview.update(h);
      held?.push(h);
      snapshots++;
      namespaces = Math.max(namespaces, h.namespaces.length);
      withSnapshot = h.namespaces.filter((s) => s.snapshot !== undefined).length;
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      if (snapshots === SECONDS) resolve();
    });
  });
  // Right after an interval: the next one is ~1 s away. Heap with the history, then without it.
  sub?.unsubscribe();
  gc();
  const withHistory = process.memoryUsage();
  held = undefined;
  gc();
  const without = process.memoryUsage();
  overview.destroy();
  await session.stop();
  screen.destroy();
  process.stdout.write(
    `${JSON.stringify({
      snapshots,
      namespaces,
      withSnapshot,
      rssMaxMb: mb(rssMax),
      rssMb: mb(withHistory.rss),
      heapUsedMb: mb(withHistory.heapUsed),
      historyMb: mb(withHistory.heapUsed - without.heapUsed),
    })}\n`,
  );
}

/** `tcpscope top` (whole host) in tmux: RSS of its node process, sampled every second. */
async function top(): Promise<Record<string, number>> {
  const name = `tsbench-ovrss-${process.pid}`;
  await execa('tmux', ['new-session', '-d', '-s', name, '-x', '200', '-y', '60', 'node', CLI, 'top']);
  try {
    const pid = Number((await execa('tmux', ['display-message', '-p', '-t', name, '#{pane_pid}'])).stdout.trim());
    let max = 0;
    let last = 0;
    for (let i = 0; i < SECONDS + 10; i++) {
      await sleep(1000);
      last = (await rssMb(pid)) ?? 0;
      max = Math.max(max, last);
    }
    return { topRssMaxMb: Math.round(max), topRssLastMb: Math.round(last) };
  } finally {
    await execa('tmux', ['send-keys', '-t', name, 'q'], { reject: false });
    for (let i = 0; i < 50; i++) {
      if ((await execa('tmux', ['has-session', '-t', name], { reject: false })).exitCode !== 0) break;
      await sleep(100);
    }
    await execa('tmux', ['kill-session', '-t', name], { reject: false });
  }
}

async function parent(): Promise<void> {
  const only = arg('only', 'top,history').split(',');
  const out: Record<string, number> = { netns: N, seconds: SECONDS };
  let load: WholeHostLoad | undefined;
  try {
    say(`starting ${N} namespaces and 10 k host sockets`);
    load = await startWholeHostLoad(10_000);
    await load.add(0, Math.min(50, N), true);
    if (N > 50) await load.add(50, N, false);
    for (const run of only) {
      say(run);
      if (run === 'top') Object.assign(out, await top());
      else {
        const script = process.argv[1]!;
        const args = ['--expose-gc', '--import', 'tsx', script, '--child', run, '--seconds', String(SECONDS)];
        const r = await execa('node', args, { stderr: 'inherit' });
        const c = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
        for (const [k, v] of Object.entries(c)) out[`${run}${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
      }
      say(JSON.stringify(out));
    }
  } finally {
    await load?.stop();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child();
else await parent();
