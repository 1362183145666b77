// bpftrace dying under a running session: restarted with back-off and a visible gap (stream and recording);
// a tracer that keeps crashing ends the session with one line and ExitCode.tracerCrashed, not a restart loop.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { requireKernelTracing } from '../helpers/prereq.js';
import { onJsonLines } from '../helpers/ndjson.js';
import {
  CLI,
  alive,
  cli,
  descendants,
  dropNetns,
  oneLineError,
  sleep,
  throwawayNetns,
  tracersOf,
  waitFor,
} from './helpers.js';

const CRASHING = fileURLToPath(new URL('./crashing-bpftrace.mjs', import.meta.url));

interface SnapLite {
  seq: number;
  mode: string;
  gaps: { reason: string }[];
}

let ns = '';
let dir = '';
beforeAll(async () => {
  await requireKernelTracing();
  ns = await throwawayNetns('rst');
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-fault-'));
}, 60_000);
afterAll(async () => {
  if (ns) await dropNetns(ns);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bpftrace killed mid-session', () => {
  it('watch --json restarts it and shows the gap; record writes the gap', async () => {
    const snaps: SnapLite[] = [];
    const watch = execa('node', [CLI, 'watch', '--json', '--netns', ns], {
      reject: false,
      buffer: false,
      env: { NO_COLOR: '1' },
    });
    onJsonLines<SnapLite>(watch.stdout, (s) => snaps.push(s));
    const file = join(dir, 'gap.ndjson');
    let watchErr = '';
    watch.stderr?.setEncoding('utf8');
    watch.stderr?.on('data', (c: string) => {
      watchErr += c;
    });
    const record = execa('node', [CLI, 'record', '-o', file, '--netns', ns, '--quiet'], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    try {
      const [w, r] = await Promise.all([tracersOf(watch.pid!), tracersOf(record.pid!)]);
      // Kill only once tcpscope has seen the attach report: a bpftrace dying before its first attach is a
      // configuration error (no restart), by design.
      await waitFor(
        async () => watchErr,
        (e) => e.includes('eBPF probes attached'),
        30_000,
      );
      await waitFor(
        async () => readFile(file, 'utf8').catch(() => ''),
        (t) => t.includes('attached_probes'),
        30_000,
      );
      const killedAt = snaps.length;
      process.kill(w[0]!.pid, 'SIGKILL');
      process.kill(r[0]!.pid, 'SIGKILL');
      // Restarted: a new bpftrace with attached programs under each process.
      const again = await waitFor(
        async () => (await descendants(watch.pid!)).filter((d) => d.comm === 'bpftrace' && d.pid !== w[0]!.pid),
        (l) => l.length > 0,
        30_000,
      );
      expect(again.length, 'watch restarted bpftrace').toBe(1);
      const w2 = await tracersOf(watch.pid!);
      expect(w2[0]!.pid).not.toBe(w[0]!.pid);
      await tracersOf(record.pid!);
      // Snapshots never stopped, and one of them after the kill carries the gap.
      await waitFor(
        async () => snaps.slice(killedAt).filter((s) => s.mode === 'ebpf').length,
        (n) => n >= 2,
        20_000,
      );
      const withGap = snaps.slice(killedAt).filter((s) => s.gaps.length > 0);
      expect(withGap.length).toBeGreaterThan(0);
      expect(withGap[0]!.gaps[0]!.reason).toMatch(
        /bpftrace stopped \(bpftrace was killed by SIGKILL\); restarting in \d+ ms/,
      );
      const seqs = snaps.map((s) => s.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i));
    } finally {
      watch.kill('SIGINT');
      record.kill('SIGINT');
    }
    const [wr, rr] = await Promise.all([watch, record]);
    expect(wr.exitCode).toBe(130);
    expect(rr.exitCode, String(rr.stderr)).toBe(0);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { k?: string; r?: string });
    const gaps = lines.filter((l) => l.k === 'g');
    expect(gaps.length).toBe(1);
    expect(gaps[0]!.r).toMatch(/bpftrace stopped/);
    // The recording replays, gap included.
    const replay = await cli(['replay', file, '--speed', 'max', '--json']);
    expect(replay.exitCode, replay.stderr).toBe(0);
    const replayed = replay.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SnapLite);
    expect(replayed.some((s) => s.gaps.length > 0)).toBe(true);
  }, 120_000);

  it('a bpftrace that keeps crashing after attaching ends watch with one line and exit code 9', async () => {
    const started = Date.now();
    const r = await cli(['watch', '--json', '--netns', ns], { TCPSCOPE_BPFTRACE: CRASHING }, { timeoutMs: 60_000 });
    const took = Date.now() - started;
    expect(r.exitCode, r.stderr).toBe(ExitCode.tracerCrashed);
    expect(oneLineError(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/^tcpscope: bpftrace died 5 times within 60 s \(last: .*Segmentation fault\)/m);
    // Back-off 0.5 + 1 + 2 + 4 s between the 5 runs: bounded, not a tight loop and not forever.
    expect(took).toBeGreaterThan(7000);
    expect(took).toBeLessThan(40_000);
    // Snapshots kept coming through the restarts (procfs fallback), each gap visible.
    const snaps = r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SnapLite);
    expect(snaps.flatMap((s) => s.gaps).length).toBe(4);
  }, 90_000);

  it('the same under record: exit code 9, and the file holds what was recorded', async () => {
    const file = join(dir, 'crash.ndjson');
    const r = await cli(
      ['record', '-o', file, '--netns', ns, '--quiet'],
      { TCPSCOPE_BPFTRACE: CRASHING },
      { timeoutMs: 60_000 },
    );
    expect(r.exitCode, r.stderr).toBe(ExitCode.tracerCrashed);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { k?: string });
    expect(lines.filter((l) => l.k === 'g').length).toBe(4);
    const replay = await cli(['replay', file, '--speed', 'max', '--json']);
    expect(replay.exitCode, replay.stderr).toBe(0);
    // No fake left running.
    for (const l of (await execa('pgrep', ['-f', CRASHING], { reject: false })).stdout.split('\n').filter(Boolean)) {
      expect(await alive(Number(l)), `fake bpftrace ${l} left`).toBe(false);
    }
    await sleep(0);
  }, 90_000);
});
