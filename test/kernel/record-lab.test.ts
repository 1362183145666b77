// Recording a real accept-queue overflow (lab scenario): replay equals live, the CLI records what the kernel counted,
// the report names the finding, and a SIGKILLed recorder leaves a file that replays.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { filter, firstValueFrom, lastValueFrom, timeout, toArray, type Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../scripts/lab/index.js';
import { isTickLine } from '../../src/kernel/probes/decode.js';
import { startSession } from '../../src/session/live.js';
import type { LiveSession } from '../../src/model/session.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { createRecorder, type Recorder } from '../../src/record/recorder.js';
import { readRecording } from '../../src/record/reader.js';
import { replaySession } from '../../src/session/replay.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let dir: string;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error('dist/cli/main.js missing: build first (npx tsc -p tsconfig.json)');
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-reclab-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withoutMode = (s: Snapshot): Omit<Snapshot, 'mode'> => {
  const { mode: _mode, ...rest } = s;
  return rest;
};

/** Waits until a plain recording holds a bpftrace tick (probes attached and ticking). */
async function untilTicking(path: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (existsSync(path) && (await readFile(path, 'utf8')).includes('@@tick')) return;
    await sleep(100);
  }
  throw new Error(`no bpftrace tick in ${path} after ${ms} ms`);
}

/** Child pids of a process (the bpftrace a recorder spawned), read before killing it. */
async function childrenOf(pid: number): Promise<number[]> {
  const r = await execa('ps', ['-o', 'pid=', '--ppid', String(pid)], { reject: false });
  return String(r.stdout)
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

describe('record + replay on the accept-overflow lab scenario', () => {
  it('replayed snapshots equal the live ones of the same session (library)', async () => {
    await requireLab();
    await requireKernelTracing();
    const path = join(dir, 'lib.ndjson.gz');
    let session: LiveSession | undefined;
    let recorder: Recorder | undefined;
    let sub: Subscription | undefined;
    const live: Snapshot[] = [];
    try {
      const truth = await runScenario('accept-overflow', {
        beforeTraffic: async (topo) => {
          session = await startSession({ netns: topo.server.name, intervalMs: 500 });
          recorder = createRecorder(session, { path, gzip: true });
          sub = session.snapshots$.subscribe((s) => live.push(s));
          await firstValueFrom(
            session.inputs$.pipe(
              filter((i) => i.kind === 'probe' && isTickLine(i.line)),
              timeout(30_000),
            ),
          );
        },
        afterTraffic: async () => {
          await sleep(1500);
          await session!.stop();
        },
      });
      const summary = await recorder!.done;
      expect(summary.error).toBeUndefined();
      expect(session!.info.mode).toBe('ebpf');
      expect((await stat(path)).mode & 0o777).toBe(0o600);

      const replay = await replaySession(path, { speed: 'max' });
      const replayed = await lastValueFrom(replay.snapshots$.pipe(toArray()));
      expect(replayed.length).toBeGreaterThan(3);
      expect(replayed.map(withoutMode)).toEqual(live.map(withoutMode));
      // what the kernel counted in the server netns is in the replayed deltas, and the rule saw it
      const overflows = replayed.reduce((t, s) => t + (s.counters.TcpExtListenOverflows ?? 0), 0);
      expect(overflows).toBe(truth.server.counters.TcpExtListenOverflows);
      expect(overflows).toBeGreaterThan(0);
      expect(replayed.some((s) => s.events.synackRetrans > 0)).toBe(true);
      expect(replayed.flatMap((s) => s.findings.map((f) => f.id))).toContain('accept-queue-overflow');
    } finally {
      sub?.unsubscribe();
      await recorder?.stop();
      await session?.stop();
    }
  }, 120_000);

  it('tcpscope record (real CLI) captures the scenario; replay --json and report --format json show it', async () => {
    await requireLab();
    await requireKernelTracing();
    const path = join(dir, 'cli.ndjson');
    let rec: ResultPromise | undefined;
    try {
      const truth = await runScenario('accept-overflow', {
        beforeTraffic: async (topo) => {
          rec = execa('node', [MAIN, 'record', '-o', path, '--netns', topo.server.name, '--interval', '500ms'], {
            reject: false,
          });
          await untilTicking(path);
        },
        afterTraffic: async () => {
          await sleep(1500);
          rec!.kill('SIGINT');
          const r = await rec!;
          expect(r.exitCode, String(r.stderr)).toBe(0);
          expect(String(r.stderr)).toMatch(/recorded \d+ intervals/);
        },
      });
      const replay = await execa('node', [MAIN, 'replay', path, '--json'], { reject: false });
      expect(replay.exitCode, String(replay.stderr)).toBe(0);
      const snaps = String(replay.stdout)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Snapshot);
      const overflows = snaps.reduce((t, s) => t + (s.counters.TcpExtListenOverflows ?? 0), 0);
      expect(overflows).toBe(truth.server.counters.TcpExtListenOverflows);
      const report = await execa('node', [MAIN, 'report', path, '--format', 'json'], { reject: false });
      expect(report.exitCode, String(report.stderr)).toBe(0);
      const rep = JSON.parse(String(report.stdout)) as { findings: { id: string }[]; recording: { endReason: string } };
      expect(rep.findings.map((f) => f.id)).toContain('accept-queue-overflow');
      expect(rep.recording.endReason).toBe('stopped');
    } finally {
      rec?.kill('SIGKILL');
    }
  }, 120_000);
});

describe('a recorder killed with SIGKILL', () => {
  it('leaves a gzip file that replays, missing at most the interval in progress', async () => {
    await requireKernelTracing();
    const ns = `tsx-${randomBytes(4).toString('hex')}`;
    await execa('ip', ['netns', 'add', ns]);
    const path = join(dir, 'killed.ndjson.gz');
    let orphans: number[] = [];
    try {
      const rec = execa('node', [MAIN, 'record', '-o', path, '--netns', ns, '--interval', '500ms'], { reject: false });
      // wait for a few intervals of a ticking tracer (gzip: read it through the reader, which tolerates the open end)
      const end = Date.now() + 40_000;
      let hosts = 0;
      while (Date.now() < end && hosts < 8) {
        await sleep(250);
        if (!existsSync(path)) continue;
        try {
          const r = await readRecording(path);
          hosts = 0;
          let ticking = false;
          for await (const e of r) {
            if (e.kind === 'probe' && e.line.includes('@@tick')) ticking = true;
            if (e.kind === 'host' && ticking) hosts++;
          }
        } catch {
          // header not flushed yet
        }
      }
      expect(hosts).toBeGreaterThanOrEqual(8);
      orphans = await childrenOf(rec.pid!);
      const killedAt = Date.now();
      rec.kill('SIGKILL');
      await rec;

      const replay = await replaySession(path, { speed: 'max' });
      const snaps = await lastValueFrom(replay.snapshots$.pipe(toArray()));
      expect(snaps.length).toBeGreaterThanOrEqual(7);
      expect(replay.stats.endReason).toBeUndefined();
      expect(replay.stats.skipped).toBe(0);
      // flushed every interval: the last recorded sample is at most one interval (+ scheduling slack) before the kill
      expect(killedAt - snaps.at(-1)!.time).toBeLessThan(500 + 400);
      const cli = await execa('node', [MAIN, 'replay', path, '--json'], { reject: false });
      expect(cli.exitCode).toBe(0);
      expect(String(cli.stdout).trim().split('\n').length).toBe(snaps.length);
    } finally {
      // SIGKILL cannot stop children: end the recorder's bpftrace ourselves (it would die at its next write anyway)
      for (const pid of orphans) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await execa('ip', ['netns', 'del', ns], { reject: false });
    }
  }, 90_000);
});
