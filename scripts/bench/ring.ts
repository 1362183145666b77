// Flight recorder ring size: what the ring holds per minute is what an uncompressed recording of that minute takes,
// so record one at idle and one under max churn and report bytes per minute (and the gzip size an incident takes).
// Prints one JSON line. Usage: npx tsx scripts/bench/ring.ts [--seconds S]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { runScenario } from '../lab/index.js';

const i = process.argv.indexOf('--seconds');
const seconds = i >= 0 ? Number(process.argv[i + 1]) : 30;
const CLI = 'dist/cli/main.js';

async function recordFor(netns: string, dir: string, name: string, ms: number): Promise<{ raw: number; gz: number }> {
  const raw = join(dir, `${name}.ndjson`);
  const gz = join(dir, `${name}.ndjson.gz`);
  const args = ['--netns', netns, '--interval', '1s', '--duration', `${Math.round(ms / 1000)}s`, '--quiet'];
  await Promise.all([
    execa('node', [CLI, 'record', '-o', raw, ...args]),
    execa('node', [CLI, 'record', '-o', gz, ...args]),
  ]);
  return { raw: (await stat(raw)).size, gz: (await stat(gz)).size };
}

const dir = await mkdtemp(join(tmpdir(), 'tcpscope-ring-'));
const ns = `tsx-ring-${process.pid}`;
try {
  await execa('ip', ['netns', 'add', ns]);
  await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const idle = await recordFor(ns, dir, 'idle', seconds * 1000);
  let churnRun: Promise<{ raw: number; gz: number }> | undefined;
  const truth = await runScenario('churn', {
    rate: 'max',
    durationMs: (seconds + 6) * 1000,
    beforeTraffic: async (topo) => {
      // Started with the traffic; the recording's own --duration ends it inside the churn window.
      churnRun = recordFor(topo.server.name, dir, 'churn', seconds * 1000);
      churnRun.catch(() => undefined);
    },
  });
  const rate = Number(truth.measured.ratePerSec);
  const churn = await churnRun!;
  const perMin = (b: number): number => Math.round((b / seconds) * 60);
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      churnConnectionsPerSec: rate,
      idleBytesPerMin: perMin(idle.raw),
      idleGzBytesPerMin: perMin(idle.gz),
      churnBytesPerMin: perMin(churn.raw),
      churnGzBytesPerMin: perMin(churn.gz),
    })}\n`,
  );
} finally {
  await execa('ip', ['netns', 'del', ns], { reject: false });
  await rm(dir, { recursive: true, force: true });
}
