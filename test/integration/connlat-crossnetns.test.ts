// Cross-netns slow connects through the real product: `tcpscope watch --json --latency` on the WHOLE host (no
// --netns) while a client netns connects to a server netns whose accept queue overflows (listen backlog 1, not
// accepting for 2.5 s): the client's SYNs are dropped next door and its connects complete at a SYN retransmit (~1 s,
// 2 s, 3 s). The client netns's section must show the connects the C client timed itself (same count, the slow ones
// in the same log2 buckets), the server's address as the slow remote, and a slow-connects finding naming the server
// netns's listener.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, PORT, type GroundTruth, type Topology } from '../../scripts/lab/index.js';
import type { HostSnapshot, NetnsSection } from '../../src/model/host-snapshot.js';
import { log2Of } from '../../src/model/latency-stats.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { assertNothingLeft, killLeftovers, startWatch, trackNetns, type WatchRun } from './helpers.js';

const section = (h: HostSnapshot, inode: number): NetnsSection | undefined =>
  h.namespaces.find((s) => s.netns.inode === inode);

describe('whole host: a client netns slowed by the accept queue of a server netns', () => {
  let truth: GroundTruth | undefined;
  let topo: Topology | undefined;
  let hosts: HostSnapshot[] = [];

  beforeAll(async () => {
    await requireKernelTracing();
    await requireLab();
    // The whole host is traced before the lab pair exists (its start-up polls every netns of the machine, other
    // engineers' labs included: 20+ s under load, not the scenario's time budget).
    const run: WatchRun = startWatch(undefined, ['--interval', '500ms', '--latency'], {}, 180_000);
    /** Until a snapshot has a section of `inode` (a poll of every netns can take many seconds on a loaded host). */
    const until = async (inode: number, more = 0): Promise<void> => {
      const from = run.snapshots.length;
      while (
        run.snapshots.length < from + more ||
        !(run.snapshots.slice(from) as unknown as HostSnapshot[]).some((h) => section(h, inode))
      )
        await run.moreSnapshots(1, 120_000);
    };
    try {
      await run.attached;
      const t = await runScenario('slow-accept', {
        variant: { acceptAfterMs: 2500, late: 3, timeoutMs: 180_000 },
        keepTopology: true,
        beforeTraffic: async (tp: Topology) => {
          topo = tp;
          trackNetns(tp.server.name, tp.client.name);
          // The server netns (its listener) is sampled before its queue overflows: its counters' baseline.
          await until(tp.server.inode);
        },
      });
      truth = t;
      try {
        // The last connect's interval and the finding are in before the pair is destroyed.
        await until(topo!.client.inode, 4);
      } finally {
        await t.topology?.destroy();
      }
      hosts = run.snapshots as unknown as HostSnapshot[];
    } finally {
      if (run.child.exitCode === null) await run.stop();
    }
  }, 600_000);

  afterAll(async () => {
    killLeftovers();
    await assertNothingLeft();
  }, 30_000);

  it("the client netns's connects equal the C client's own timings (count and log2 buckets)", () => {
    const client = topo!.client;
    const us = [
      ...(JSON.parse(String(truth!.measured.prefillConnectUs)) as number[]),
      ...(JSON.parse(String(truth!.measured.clientConnectUs)) as number[]),
    ];
    const mine: Record<number, number> = {};
    for (const u of us) mine[log2Of(u)] = (mine[log2Of(u)] ?? 0) + 1;
    const seen: Record<number, number> = {};
    let n = 0;
    for (const h of hosts) {
      for (const r of section(h, client.inode)?.snapshot?.latency?.connect ?? []) {
        if (r.dport !== PORT) continue;
        n += r.interval.count;
        for (const [k, c] of Object.entries(r.interval.buckets)) seen[Number(k) >> 2] = (seen[Number(k) >> 2] ?? 0) + c;
      }
    }
    console.log(
      `cross-netns: tcpscope ${n} connects ${JSON.stringify(seen)}; client ${us.length} ${JSON.stringify(mine)} (µs ${JSON.stringify(us)}); server overflows ${String(truth!.server.counters.TcpExtListenOverflows)}, client SYN retransmits ${String(truth!.client.counters.TcpExtTCPSynRetrans)}`,
    );
    expect(truth!.server.counters.TcpExtListenOverflows).toBeGreaterThan(0);
    expect(us.filter((u) => u >= 900_000).length).toBeGreaterThan(0);
    expect(n).toBe(us.length);
    // Slow connects (>= 1 ms) fall in the client's own log2 buckets; sub-ms ones only count: the client's clock
    // (connect() to poll() in a loaded process) adds tens of µs around the kernel's SYN -> ESTABLISHED.
    const slow = (b: Record<number, number>): Record<number, number> =>
      Object.fromEntries(Object.entries(b).filter(([k]) => Number(k) >= 10));
    expect(slow(seen)).toEqual(slow(mine));
    expect(Object.keys(slow(mine)).length).toBeGreaterThan(0);
  });

  it("the server's address is the client's slow remote, with the retransmitted connects counted", () => {
    const { client, server } = topo!;
    const last = hosts
      .map((h) => section(h, client.inode)?.snapshot)
      .filter((s) => s?.latency?.remotes)
      .at(-1);
    const remote = last?.latency?.remotes?.find((r) => r.daddr === server.ip4 && r.dport === PORT);
    expect(remote, JSON.stringify(last?.latency?.remotes)).toBeDefined();
    const slowByClient = (JSON.parse(String(truth!.measured.clientConnectUs)) as number[]).filter(
      (u) => u >= 900_000,
    ).length;
    console.log(`cross-netns remote: ${JSON.stringify(remote)}`);
    expect(remote!.session.connects).toBe(Number(truth!.measured.prefilled) + Number(truth!.measured.lateConnected));
    // A connect slower than 0.9 s needed a SYN retransmit (first RTO 1 s); the kernel counts it from total_retrans.
    expect(remote!.session.slow).toBe(slowByClient);
    expect(remote!.session.maxUs).toBeGreaterThanOrEqual(900_000);
  });

  it('the slow-connects finding of the client netns names the listener of the server netns', () => {
    const { client, server } = topo!;
    const findings = hosts.flatMap((h) => section(h, client.inode)?.snapshot?.findings ?? []);
    const f = findings.filter((x) => x.id === 'slow-connects').at(-1);
    expect(f, JSON.stringify([...new Set(findings.map((x) => x.id))])).toBeDefined();
    console.log(`cross-netns finding: ${f!.title}\n  ${f!.explanation}`);
    expect(f!.title).toContain(`[${client.name}] slow connects to port ${PORT}`);
    // Other engineers' identical lab pairs (same addresses, same port) may overflow at the same time: the finding
    // names the listener with the most overflows and lists the others, so ours is in the title or the explanation.
    const listener = new RegExp(`\\[::\\]:${PORT} of pid \\d+ \\(churn\\) in netns ${server.name}`);
    expect(f!.title).toMatch(/accept queue of \[::\]:8080 of pid \d+ \(churn\) in netns tslab-/);
    expect(`${f!.title} ${f!.explanation}`).toMatch(listener);
    expect(f!.explanation).toContain('overflowed');
    expect(f!.evidence.remote).toBe(`${server.ip4}:${PORT}`);
    // The server's own section shows the overflow it caused.
    const serverFindings = hosts.flatMap((h) => section(h, server.inode)?.snapshot?.findings ?? []).map((x) => x.id);
    expect(serverFindings).toContain('accept-queue-overflow');
  });
});
