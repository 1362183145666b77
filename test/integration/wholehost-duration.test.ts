// Issue 13 item 6 on the whole-host session (watch/record without --netns, root, eBPF): --duration D is
// ceil(D / interval) snapshots whatever bpftrace's attach time, and the first covers a full interval. Only counts and
// interval lengths are asserted: other tests' lab namespaces may be in the snapshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { requireKernelTracing } from '../helpers/prereq.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');
let dir = '';

beforeAll(async () => {
  await requireKernelTracing();
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-wh-duration-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hostSnapshots = (stdout: string): { time: number; intervalMs: number }[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{"schemaVersion"') && l.includes('"kind":"host"'))
    .map((l) => JSON.parse(l) as { time: number; intervalMs: number });

describe('whole-host --duration (issue 13 item 6)', () => {
  it('watch --duration 1s prints one snapshot and 3s three, in eBPF mode', async () => {
    for (const [d, n] of [
      ['1s', 1],
      ['3s', 3],
    ] as const) {
      const r = await execa('node', [CLI, 'watch', '--ebpf', '--json', '--duration', d], {
        reject: false,
        timeout: 120_000,
      });
      expect(r.exitCode, String(r.stderr)).toBe(0);
      const snaps = hostSnapshots(String(r.stdout));
      expect(snaps, d).toHaveLength(n);
      expect(snaps.every((s) => s.intervalMs === 1000)).toBe(true);
    }
  });

  it('record --duration 3s holds a baseline and three intervals, the first a full one', async () => {
    const path = join(dir, 'host.ndjson');
    const r = await execa('node', [CLI, 'record', '--ebpf', '-q', '-o', path, '--duration', '3s'], {
      reject: false,
      timeout: 120_000,
    });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const polls = (await readFile(path, 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('{"k":"H"'))
      .map((l) => (JSON.parse(l) as { t: number }).t);
    expect(polls).toHaveLength(4); // baseline + 3 intervals
    const lengths = polls.slice(1).map((t, i) => t - polls[i]!);
    // The first interval starts at the baseline poll, not when bpftrace attached (seconds later on a loaded host).
    expect(lengths[0]).toBeGreaterThanOrEqual(970);
    // At least one full interval per started second of the duration.
    expect(polls.at(-1)! - polls[0]!).toBeGreaterThanOrEqual(3 * 970);
  });
});
