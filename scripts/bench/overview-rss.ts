// Whole-host overview memory: the overview keeps the last host snapshots (default 30) so a drill-down starts with
// history. With 200 namespaces: RSS of `tcpscope top` (no --netns, tmux 200×60: the real code path), and that history's
// share, from the same session + overview model in a headless child (a blessed screen on a discarding stream): heap
// after a full GC, then again once the overview is released (what it alone retained), with --keep 30 and --keep 1.
// Setup as the whole-host bench's "RSS with 200 netns": 50 namespaces with a listener + 2 conn/s, the rest listeners,
// 10 k sockets in the host netns. Prints one JSON line.
// Usage (root, after npm run build): npx tsx scripts/bench/overview-rss.ts [--netns 200] [--seconds 45]
//   [--only top,keep30,keep1]
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { execa } from 'execa';
import type { Subscription } from 'rxjs';
import { startWholeHostSession } from '../../src/session/wholehost.js';
import { createOverview, type Overview } from '../../src/ui/overview.js';
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

/** Child: the whole-host session feeding an overview that keeps `keep` host snapshots. */
async function child(keep: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the child with node --expose-gc');
  const session = await startWholeHostSession({ intervalMs: 1000, mode: 'ebpf' });
  const screen = discardingScreen();
  let overview: Overview | undefined = createOverview({
    screen,
    info: session.info,
    handlers: { quit: () => undefined },
    color: true,
    keep,
  });
  let snapshots = 0;
  let namespaces = 0;
  let withSnapshot = 0;
  let rssMax = 0;
  let sub: Subscription | undefined;
  const done = new Promise<void>((resolve) => {
    sub = session.snapshots$.subscribe((h) => {
      overview?.update(h);
      snapshots++;
      namespaces = Math.max(namespaces, h.namespaces.length);
      withSnapshot = h.namespaces.filter((s) => s.snapshot !== undefined).length;
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      if (snapshots === SECONDS) resolve();
    });
  });
  await done;
  // Right after an interval: the next one is ~1 s away. Heap with the overview, then without it.
  sub?.unsubscribe();
  gc();
  const withOverview = process.memoryUsage();
  overview.destroy();
  overview = undefined;
  gc();
  const without = process.memoryUsage();
  await session.stop();
  screen.destroy();
  process.stdout.write(
    `${JSON.stringify({
      keep,
      snapshots,
      namespaces,
      withSnapshot,
      rssMaxMb: mb(rssMax),
      rssMb: mb(withOverview.rss),
      heapUsedMb: mb(withOverview.heapUsed),
      overviewRetainedMb: mb(withOverview.heapUsed - without.heapUsed),
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
  const only = arg('only', 'top,keep30,keep1').split(',');
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
        const keep = Number(run.replace('keep', ''));
        const script = process.argv[1]!;
        const args = ['--expose-gc', '--import', 'tsx', script, '--child', String(keep), '--seconds', String(SECONDS)];
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
if (childAt >= 0) await child(Number(process.argv[childAt + 1]));
else await parent();
