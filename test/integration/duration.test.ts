// Issue 13 items 1 and 6 on the real binary: --duration D is ceil(D / interval) snapshots whose first covers a full
// interval (eBPF mode, bpftrace attaching mid-interval), and it also bounds webhook delivery (2 s grace, then one
// "dropped N alert events" line).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { requireKernelTracing } from '../helpers/prereq.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');
let dir = '';
let server: Server | undefined;

beforeAll(async () => {
  await requireKernelTracing();
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-duration-'));
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await rm(dir, { recursive: true, force: true });
});

const snapshots = (stdout: string): { time: number }[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{"schemaVersion"'))
    .map((l) => JSON.parse(l) as { time: number });

describe('--duration (item 6)', () => {
  it('1s gives one snapshot and 3s three, in eBPF mode', async () => {
    for (const [d, n] of [
      ['1s', 1],
      ['3s', 3],
      ['2500ms', 3],
    ] as const) {
      const r = await execa('node', [CLI, 'watch', '--netns', 'self', '--ebpf', '--json', '--duration', d], {
        reject: false,
        timeout: 60_000,
      });
      expect(r.exitCode, String(r.stderr)).toBe(0);
      expect(snapshots(String(r.stdout)), d).toHaveLength(n);
    }
  });
  it('the first interval of a recording is a full one', async () => {
    const path = join(dir, 'rec.ndjson');
    const r = await execa('node', [CLI, 'record', '--netns', 'self', '--ebpf', '-q', '-o', path, '--duration', '3s'], {
      reject: false,
      timeout: 60_000,
    });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const hosts = (await readFile(path, 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('{"k":"h"'))
      .map((l) => (JSON.parse(l) as { t: number }).t);
    expect(hosts).toHaveLength(4); // baseline + 3 intervals
    const gaps = hosts.slice(1).map((t, i) => t - hosts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(970);
  });
});

describe('webhook delivery bounded by the run (item 1)', () => {
  it('a hook that accepts and never answers holds the exit at most the 2 s grace, then says what was dropped', async () => {
    server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const t0 = Date.now();
    const r = await execa(
      'node',
      [
        CLI,
        'watch',
        '--netns',
        'self',
        '--procfs',
        '--duration',
        '2s',
        '--alert',
        'always: census.total >= 0',
        '--webhook',
        url,
      ],
      { reject: false, timeout: 60_000 },
    );
    const took = Date.now() - t0;
    expect(r.exitCode).toBe(0);
    expect(String(r.stderr)).toMatch(
      /tcpscope: warning: --webhook http:\/\/127\.0\.0\.1:\d+: dropped 1 alert event not delivered within 2000 ms after the run ended/,
    );
    expect(took).toBeLessThan(2_000 + 2_000 + 6_000); // duration + grace + start-up on a loaded machine (was ~25 s)
  });
});

describe('webhook delivery on Ctrl-C (item 1)', () => {
  it.each([
    ['one netns', ['--netns', 'self']],
    ['the whole host', []],
  ])('SIGINT also ends pending deliveries after the grace, with the dropped line (%s)', async (_what, where) => {
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/hook`;
      const child = execa(
        'node',
        [CLI, 'watch', ...where, '--procfs', '--alert', 'always: census.total >= 0', '--webhook', url],
        {
          reject: false,
          timeout: 60_000,
        },
      );
      let out = '';
      child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
      for (let i = 0; i < 100 && !out.includes('ALERT FIRING'); i++) await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      child.kill('SIGINT');
      const r = await child;
      expect(Date.now() - t0).toBeLessThan(4_000);
      expect(r.exitCode).toBe(130);
      // Whole host: one alert per netns (every netns holds >= 0 sockets), all pending on the hanging hook.
      expect(String(r.stderr)).toMatch(/dropped \d+ alert events? not delivered within 2000 ms after the run ended/);
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((r) => hang.close(() => r()));
    }
  });
});
