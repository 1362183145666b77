// The flight recorder on the real kernel: RSTs before an accept-queue overflow alert are in the incident it saves.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { createTopology } from '../../scripts/lab/index.js';
import { startChurnAgent, startNodeAgent } from '../../scripts/lab/agent.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { onJsonLines } from '../helpers/ndjson.js';
import { ATTACHED_LINE, CLI, assertNothingLeft, killLeftovers, startWatch, sumCounter, trackNetns } from './helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const RULE = 'ovf: rate(TcpExtListenOverflows) > 1/s';

async function waitFor(what: string, cond: () => boolean, ms: number, log: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${log()}`);
    await sleep(100);
  }
}

/** Replays a recording at max speed with the same rule; returns its snapshots and alert events. */
async function replay(
  path: string,
): Promise<{ snaps: Snapshot[]; firing: number[]; exitCode: number | undefined; stderr: string }> {
  const child = execa('node', [CLI, 'replay', path, '--json', '--speed', 'max'], {
    reject: false,
    buffer: { stdout: false },
  });
  const snaps: Snapshot[] = [];
  onJsonLines<Snapshot & { type?: string }>(child.stdout, (o) => {
    if (o.type !== 'alert') snaps.push(o);
  });
  const r = await child;
  return { snaps, firing: [], exitCode: r.exitCode, stderr: String(r.stderr) };
}

describe('flight recorder (lab)', () => {
  afterAll(async () => {
    killLeftovers();
    await assertNothingLeft();
  });

  it('an overflow alert saves an incident that holds the RSTs from before it and the overflow after it', async () => {
    await requireLab();
    await requireKernelTracing();
    const topo = await createTopology();
    trackNetns(topo.server.name, topo.client.name);
    const dir = await mkdtemp(join(tmpdir(), 'tcpscope-flight-'));
    try {
      const listener = await startChurnAgent(topo, topo.server, ['listen', '--port', '8080', '--backlog', '1']);
      await listener.ready();
      const client = startNodeAgent(topo, topo.client, 'client.mjs');
      const run = startWatch(topo.server.name, [
        '--interval',
        '500ms',
        '--alert',
        RULE,
        '--on-alert',
        dir,
        '--ring',
        '1m',
        '--after',
        '3s',
      ]);
      await run.attached;
      await run.moreSnapshots(2);
      // The marker: 20 connects to a closed port, 20 RSTs sent by the server netns, long before any alert.
      const refused = await client.request(
        {
          op: 'connect',
          host: topo.server.ip4,
          port: 8081,
          count: 20,
          after: 'destroy',
          concurrency: 4,
          settleMs: 5000,
        },
        20_000,
      );
      expect(refused.errors).toMatchObject({ ECONNREFUSED: 20 });
      await run.moreSnapshots(4);
      // The incident: 30 connects at once to a backlog-1 listener that never accepts.
      await client.request(
        { op: 'connect', host: topo.server.ip4, port: 8080, count: 30, after: 'hold', concurrency: 30, settleMs: 2000 },
        20_000,
      );
      await waitFor('the incident to be saved', () => /incident saved: /.test(run.stderr()), 30_000, run.stderr);
      expect(await run.stop()).toBe(130); // Ctrl-C, as a user stops watch
      const names = (await readdir(dir)).sort();
      expect(
        names.filter((n) => n.endsWith('.ndjson.gz')),
        run.stderr(),
      ).toHaveLength(1);
      const file = join(
        dir,
        names.find((n) => n.endsWith('.ndjson.gz'))!,
      );
      expect(file).toMatch(new RegExp(`incident-\\d{8}T\\d{9}Z-${topo.server.name}-ovf\\.ndjson\\.gz$`));
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(file.replace(/\.ndjson\.gz$/, '.md'))).mode & 0o777).toBe(0o600);
      // watch --json interleaves alert events with the snapshots.
      const live = run.snapshots.filter((s) => 'counters' in s);
      const firedAt = live.find((s) => (s.counters.TcpExtListenOverflows ?? 0) > 0)!.time;
      const r = await replay(file);
      expect(r.exitCode, r.stderr).toBe(0);
      const before = r.snaps.filter((s) => s.time < firedAt);
      const after = r.snaps.filter((s) => s.time >= firedAt);
      // Every RST of the marker is in the incident, before the alert; the live run saw the same number.
      expect(sumCounter(before, 'TcpOutRsts')).toBe(20);
      expect(
        sumCounter(
          live.filter((s) => s.time < firedAt),
          'TcpOutRsts',
        ),
      ).toBe(20);
      expect(before.reduce((n, s) => n + (s.events.resetsSentByReason.NO_SOCKET ?? 0), 0)).toBe(20);
      // The overflow after it, as many as the live session counted over the same snapshots.
      const lastT = r.snaps.at(-1)!.time;
      expect(sumCounter(after, 'TcpExtListenOverflows')).toBeGreaterThan(0);
      expect(sumCounter(after, 'TcpExtListenOverflows')).toBe(
        sumCounter(
          live.filter((s) => s.time >= firedAt && s.time <= lastT),
          'TcpExtListenOverflows',
        ),
      );
      expect(lastT - firedAt).toBeGreaterThanOrEqual(3000);
      const list = await execa('node', [CLI, 'incidents', dir, '--json'], { reject: false });
      expect(list.exitCode).toBe(0);
      expect(JSON.parse(list.stdout)).toMatchObject({ alert: 'ovf', netns: topo.server.name, report: true });
    } finally {
      await topo.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a SIGKILL during --after leaves an incident that replays up to the cut', async () => {
    await requireLab();
    await requireKernelTracing();
    const topo = await createTopology();
    trackNetns(topo.server.name, topo.client.name);
    const dir = await mkdtemp(join(tmpdir(), 'tcpscope-flight-'));
    try {
      const listener = await startChurnAgent(topo, topo.server, ['listen', '--port', '8080', '--backlog', '1']);
      await listener.ready();
      const client = startNodeAgent(topo, topo.client, 'client.mjs');
      const rec = execa(
        'node',
        [
          CLI,
          'record',
          '--on-alert',
          dir,
          '--ring',
          '1m',
          '--after',
          '5m',
          '--netns',
          topo.server.name,
          '--interval',
          '500ms',
          '--alert',
          RULE,
        ],
        { reject: false, all: false },
      );
      let err = '';
      rec.stderr?.on('data', (c: Buffer) => (err += c.toString()));
      await waitFor(
        'probes to attach',
        () => ATTACHED_LINE.test(err),
        60_000,
        () => err,
      );
      await client.request(
        { op: 'connect', host: topo.server.ip4, port: 8080, count: 30, after: 'hold', concurrency: 30, settleMs: 2000 },
        20_000,
      );
      await waitFor(
        'the incident to open',
        () => /incident: saving /.test(err),
        30_000,
        () => err,
      );
      await sleep(2500);
      rec.kill('SIGKILL');
      await rec;
      const file = join(
        dir,
        (await readdir(dir)).find((n) => n.endsWith('.ndjson.gz'))!,
      );
      const r = await replay(file);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.snaps.length).toBeGreaterThan(2);
      expect(sumCounter(r.snaps, 'TcpExtListenOverflows')).toBeGreaterThan(0);
    } finally {
      await topo.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
