// Disk full while recording (a real, tiny tmpfs): one-line I/O error (exit 8), bpftrace stopped, what was written replays.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/reader.js';
import { requireKernelTracing } from '../helpers/prereq.js';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Fills the file system of `dir` up to the last byte. */
async function fill(dir: string): Promise<void> {
  const fh = await open(join(dir, 'filler'), 'w', 0o600);
  const block = Buffer.alloc(4096, 0x61);
  try {
    for (;;) await fh.write(block);
  } catch {
    // ENOSPC: full
  }
  try {
    for (;;) await fh.write(block.subarray(0, 1));
  } catch {
    // ENOSPC down to the byte
  } finally {
    await fh.close().catch(() => undefined);
  }
}

describe('tcpscope record on a full disk', () => {
  it('stops with exit 8 and one line, stops bpftrace, and keeps a file that replays', async () => {
    await requireKernelTracing();
    if (!existsSync(MAIN)) throw new Error('dist/cli/main.js missing: build first (npx tsc -p tsconfig.json)');
    const ns = `tsx-${randomBytes(4).toString('hex')}`;
    const mnt = await mkdtemp(join(tmpdir(), 'tcpscope-full-'));
    await execa('ip', ['netns', 'add', ns]);
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tcpscope-full', mnt]);
    const path = join(mnt, 'rec.ndjson');
    try {
      const rec = execa('node', [MAIN, 'record', '-o', path, '--netns', ns, '--interval', '200ms'], { reject: false });
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        if (existsSync(path)) {
          const r = await readRecording(path).catch(() => undefined);
          if (r) {
            let ticks = 0;
            for await (const e of r) if (e.kind === 'probe' && e.line.includes('@@tick')) ticks++;
            if (ticks >= 2) break;
          }
        }
        await sleep(200);
      }
      const children = String(
        (await execa('ps', ['-o', 'pid=,comm=', '--ppid', String(rec.pid)], { reject: false })).stdout,
      )
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter(([, comm]) => comm === 'bpftrace')
        .map(([pid]) => Number(pid));
      expect(children.length).toBeGreaterThan(0);
      await fill(mnt);
      const r = await rec;
      expect(r.exitCode).toBe(8);
      const lines = String(r.stderr)
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('tcpscope: recording '));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^tcpscope: disk full while writing .*rec\.ndjson: recording stopped \(\d+ bytes written so far are kept and replay\)$/,
      );
      // the recorder's bpftrace is gone with it
      const alive = children.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      expect(alive).toEqual([]);
      const replay = await execa('node', [MAIN, 'replay', path, '--json'], { reject: false });
      expect(replay.exitCode, String(replay.stderr)).toBe(0);
      expect(String(replay.stdout).trim().split('\n').length).toBeGreaterThanOrEqual(2);
    } finally {
      await execa('umount', [mnt], { reject: false });
      await rm(mnt, { recursive: true, force: true });
      await execa('ip', ['netns', 'del', ns], { reject: false });
    }
  }, 90_000);
});
