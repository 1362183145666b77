// The product on slow-connect scenarios: `tcpscope watch --json --latency` (and `record --latency`) in the lab netns shows the measured connect
// latency (counts = the C client's, same log2 buckets), the slow-connects finding names the cause (SYN lost on the
// path; the overflowing local listener), and replay/report of the recording re-decode the same numbers.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, PORT, type GroundTruth, type ScenarioName, type Topology } from '../../scripts/lab/index.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { log2Of } from '../../src/model/latency-stats.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import {
  assertNothingLeft,
  CLI,
  findingsById,
  killLeftovers,
  startWatch,
  trackNetns,
  type WatchRun,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tcpscope-connlat-'));

/** `tcpscope record` of the netns next to the watch (a second tracer), stopped like a user with SIGINT. */
function startRecord(netns: string, file: string): { child: ResultPromise; attached: Promise<void> } {
  const child = execa('node', [CLI, 'record', '-o', file, '--netns', netns, '--interval', '500ms', '--latency'], {
    reject: false,
    buffer: false,
    killSignal: 'SIGINT',
    forceKillAfterDelay: 10_000,
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => void (err += c.toString()));
  // The recording holds bpftrace's raw lines (flushed each interval): attached once its attached_probes line is in.
  const attached = (async () => {
    const end = Date.now() + 60_000;
    while (!(existsSync(file) && readFileSync(file, 'utf8').includes('attached_probes'))) {
      if (child.exitCode !== null || Date.now() > end)
        throw new Error(`record did not attach (exit ${String(child.exitCode)}): ${err}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  attached.catch(() => undefined);
  return { child, attached };
}

async function watched(
  name: ScenarioName,
  variant: Record<string, number | boolean>,
  side: 'client' | 'server',
  file?: string,
): Promise<{ truth: GroundTruth; snaps: Snapshot[] }> {
  let run: WatchRun | undefined;
  let rec: ReturnType<typeof startRecord> | undefined;
  try {
    const truth = await runScenario(name, {
      variant,
      beforeTraffic: async (topo: Topology) => {
        trackNetns(topo.server.name, topo.client.name);
        run = startWatch(topo[side].name, ['--interval', '500ms', '--latency']);
        if (file) rec = startRecord(topo[side].name, file);
        await run.attached;
        await rec?.attached;
      },
      afterTraffic: async () => {
        await run!.moreSnapshots(3);
        await run!.stop();
        if (rec) {
          rec.child.kill('SIGINT');
          await rec.child;
        }
      },
    });
    return { truth, snaps: run!.snapshots };
  } finally {
    if (run && run.child.exitCode === null) await run.stop();
    if (rec && rec.child.exitCode === null) rec.child.kill('SIGKILL');
  }
}

const connectsTo = (snaps: Snapshot[], dport: number): { n: number; buckets: Record<number, number> } => {
  const buckets: Record<number, number> = {};
  let n = 0;
  for (const s of snaps) {
    for (const r of s.latency?.connect ?? []) {
      if (r.dport !== dport) continue;
      n += r.interval.count;
      for (const [k, c] of Object.entries(r.interval.buckets))
        buckets[Number(k) >> 2] = (buckets[Number(k) >> 2] ?? 0) + c;
    }
  }
  return { n, buckets };
};

const clientBuckets = (t: GroundTruth): Record<number, number> => {
  const out: Record<number, number> = {};
  for (const u of JSON.parse(String(t.measured.clientConnectUs)) as number[])
    out[log2Of(u)] = (out[log2Of(u)] ?? 0) + 1;
  return out;
};

describe('connect latency end to end (watch --json --record, replay, report)', () => {
  beforeAll(async () => {
    await requireKernelTracing();
    await requireLab();
  });
  afterAll(async () => {
    killLeftovers();
    rmSync(dir, { recursive: true, force: true });
    await assertNothingLeft();
  }, 30_000);

  it('syn-loss: ~1 s connects, the finding names the lost SYN and the live SYN schedule; replay re-decodes the same', async () => {
    const file = join(dir, 'syn-loss.ndjson');
    const { truth, snaps } = await watched('syn-loss', { connections: 6 }, 'client', file);
    const seen = connectsTo(snaps, PORT);
    console.log(`syn-loss: watch ${JSON.stringify(seen)}, client ${JSON.stringify(clientBuckets(truth))}`);
    expect(seen.n).toBe(6);
    expect(seen.buckets).toEqual(clientBuckets(truth));
    const f = findingsById(snaps).get('slow-connects');
    expect(f, JSON.stringify([...findingsById(snaps).keys()])).toBeDefined();
    expect(f!.title).toContain('slow connects to port 8080');
    expect(f!.title).toContain('SYN lost on the path or by the server');
    expect(f!.explanation).toContain('6 after 1 lost SYN (~1 s)');
    expect(f!.sysctls.map((x) => x.name)).toEqual(['net.ipv4.tcp_syn_retries', 'net.ipv4.tcp_syn_linear_timeouts']);
    // Replay runs the same pipeline on the recorded raw probe lines.
    const r = await execa('node', [CLI, 'replay', file, '--json', '--speed', 'max'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const replayed = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Snapshot);
    expect(connectsTo(replayed, PORT)).toEqual(seen);
    const rep = await execa('node', [CLI, 'report', file], { reject: false });
    expect(rep.exitCode, rep.stderr).toBe(0);
    expect(rep.stdout).toMatch(
      /CONNECT LATENCY[^\n]*\n {2}:8080 6 connects, p50 \S+ m?s, p90 \S+ m?s, p99 1\.0\d s, max 1\.0\d s/,
    );
  });

  it('slow-accept (client and listener in one netns): the finding names the overflowing listener', async () => {
    const { truth, snaps } = await watched('slow-accept', { acceptAfterMs: 2500, late: 3, local: true }, 'server');
    const seen = connectsTo(snaps, PORT);
    console.log(
      `slow-accept: watch ${JSON.stringify(seen)}, client ${JSON.stringify(clientBuckets(truth))}, overflows ${String(truth.server.counters.TcpExtListenOverflows)}`,
    );
    expect(seen.n).toBe(3 + Number(truth.measured.prefilled));
    expect(truth.server.counters.TcpExtListenOverflows).toBeGreaterThan(0);
    const f = findingsById(snaps).get('slow-connects');
    expect(f, JSON.stringify([...findingsById(snaps).keys()])).toBeDefined();
    expect(f!.title).toMatch(/\(accept queue of \[::\]:8080 of pid \d+ \(churn\)\)/);
    expect(f!.explanation).toContain('overflowed');
  });

  it('connect-healthy: latency counted, no slow-connects finding', async () => {
    const { truth, snaps } = await watched('connect-healthy', { connections: 20 }, 'client');
    expect(connectsTo(snaps, PORT).n).toBe(Number(truth.measured.connections));
    expect(findingsById(snaps).has('slow-connects')).toBe(false);
  });
});
