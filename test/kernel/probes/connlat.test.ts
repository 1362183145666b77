// connlat.bt in lab scenarios: connect counts equal the client's, percentiles fall in the client's own log2 bucket,
// failed connects by outcome equal the client's errors, RTT matches the kernel's srtt as ss shows it.
import { describe, expect, it } from 'vitest';
import { requireKernelTracing, requireLab } from '../../helpers/prereq.js';
import { runScenario, PORT, type GroundTruth, type ScenarioName } from '../../../scripts/lab/index.js';
import { detectCapabilities } from '../../../src/kernel/capabilities.js';
import { findTracefs } from '../../../src/kernel/tracefs/tracefs.js';
import { isTickLine, type ProbeBatch } from '../../../src/kernel/probes/index.js';
import { LatencyAccumulator, type LatencySection } from '../../../src/pipeline/latency.js';
import { log2Of, quantileUs } from '../../../src/model/latency-stats.js';
import { startProbeTrace, type ProbeTrace } from './helpers.js';

interface Traced {
  truth: GroundTruth;
  batches: ProbeBatch[];
  badLines: number;
  section: LatencySection | undefined;
}

async function traced(name: ScenarioName, variant: Record<string, number> = {}): Promise<Traced> {
  await requireKernelTracing();
  await requireLab();
  const caps = await detectCapabilities((await findTracefs())!);
  // Started before the scenario (it traces every netns): bpftrace's start-up on a loaded machine is not the
  // scenario's time budget.
  const trace: ProbeTrace = startProbeTrace(caps, { intervalMs: 500 });
  try {
    await trace.started;
    trace.batches.length = 0;
    const truth = await runScenario(name, {
      variant,
      afterTraffic: async () => {
        await trace.next(isTickLine);
        await trace.next(isTickLine);
      },
    });
    // The client netns only: the session view of the whole run.
    const section = new LatencyAccumulator().add(trace.batches, truth.client.inode);
    return { truth, batches: trace.batches, badLines: trace.decoder.stats.badLines, section };
  } finally {
    await trace.stop();
  }
}

const clientUs = (t: GroundTruth): number[] => JSON.parse(String(t.measured.clientConnectUs)) as number[];
/** The client's own q-quantile (nearest rank, as the histogram quantile counts ranks). */
const rankQ = (xs: number[], q: number): number => xs[Math.max(0, Math.ceil(q * xs.length) - 1)]!;

/** Without the `skip` lowest entries (connects the C client did not time, e.g. a fast prefill). */
function withoutLowest(buckets: Record<string, number>, skip: number): Record<string, number> {
  const out: Record<string, number> = {};
  let left = skip;
  for (const [b, c] of Object.entries(buckets).sort(([x], [y]) => Number(x) - Number(y))) {
    const drop = Math.min(left, c);
    left -= drop;
    if (c - drop > 0) out[b] = c - drop;
  }
  return out;
}

/** The kernel's histogram and the client's own timings agree: same count, same histogram, percentiles in the same bucket. */
function expectSameBuckets(section: LatencySection, us: number[], untimed = 0): void {
  const row = section.connect.find((r) => r.dport === PORT)!;
  expect(row.session.count).toBe(us.length + untimed);
  const fine = withoutLowest(row.session.buckets, untimed);
  const kernel: Record<string, number> = {};
  for (const [k, c] of Object.entries(fine)) kernel[Number(k) >> 2] = (kernel[Number(k) >> 2] ?? 0) + c;
  const client: Record<string, number> = {};
  for (const u of us) client[log2Of(u)] = (client[log2Of(u)] ?? 0) + 1;
  console.log(
    `  log2 buckets: kernel ${JSON.stringify(kernel)}, client ${JSON.stringify(client)}; fine ${JSON.stringify(fine)}`,
  );
  expect(kernel).toEqual(client);
  for (const q of [0.5, 0.9, 0.99]) {
    const k = log2Of(quantileUs(fine, q, row.session.maxUs));
    expect(k, `p${q * 100}`).toBe(log2Of(rankQ(us, q)));
  }
  // The client's clock wraps the kernel's (connect() before the SYN, poll() after ESTABLISHED).
  expect(row.session.maxUs).toBeLessThanOrEqual(Math.max(...us));
}

describe('connlat.bt: measured connect latency in lab scenarios', () => {
  it("syn-loss: the first SYN of each connect is dropped -> ~1 s connects, counts and buckets equal the client's", async () => {
    const { truth, section, badLines } = await traced('syn-loss', { connections: 6 });
    const us = clientUs(truth);
    console.log(`syn-loss: client ${JSON.stringify(us)}, probe ${JSON.stringify(section?.connect)}`);
    expect(us).toHaveLength(6);
    expect(truth.measured.synsDropped).toBe(6);
    expectSameBuckets(section!, us);
    const row = section!.connect.find((r) => r.dport === PORT)!;
    // One SYN retransmit per connect, seen at ESTABLISHED; = the client netns's TcpExtTCPSynRetrans.
    expect(row.session.p50Us).toBeGreaterThan(900_000);
    expect(badLines).toBe(0);
  });

  it("slow-accept: a full accept queue drops SYNs until it drains -> slow connects in the client's buckets", async () => {
    const { truth, section } = await traced('slow-accept', { acceptAfterMs: 2500, late: 3 });
    const us = clientUs(truth);
    console.log(
      `slow-accept: client ${JSON.stringify(us)}, overflows ${String(truth.server.counters.TcpExtListenOverflows)}`,
    );
    expect(truth.measured.lateConnected).toBe(3);
    expect(truth.server.counters.TcpExtListenOverflows).toBeGreaterThan(0);
    expectSameBuckets(section!, us, Number(truth.measured.prefilled));
    expect(section!.connect.find((r) => r.dport === PORT)!.session.maxUs).toBeGreaterThan(1_900_000);
  });

  it("rst-closed-port: refused connects = the client's ECONNREFUSED, fast", async () => {
    const { truth, section } = await traced('rst-closed-port', { count: 10 });
    const failed = section!.failed.filter((f) => f.dport === truth.measured.closedPort);
    console.log(`refused: ${JSON.stringify(failed)}`);
    expect(truth.measured.clientECONNREFUSED).toBe(10);
    expect(failed.map((f) => [f.outcome, f.sessionCount])).toEqual([['refused', 10]]);
    expect(failed[0]!.maxUs).toBeLessThan(1_000_000);
  });

  it("syn-timeout: timed-out connects = the client's ETIMEDOUT, time to fail = the client's", async () => {
    const { truth, section } = await traced('syn-timeout', { synRetries: 1, connections: 2 });
    const failed = section!.failed.filter((f) => f.dport === PORT);
    console.log(
      `timed out: ${JSON.stringify(failed)}; client ${String(truth.measured.clientFailMs)} expected ${String(truth.measured.expectedGiveUpMs)}`,
    );
    expect(truth.measured.clientETIMEDOUT).toBe(2);
    expect(failed.map((f) => [f.outcome, f.errno])).toEqual([['timed-out', 110]]);
    expect(failed.reduce((s, f) => s + f.count, 0)).toBe(2);
    const clientMax = Number(truth.measured.giveUpMsMax);
    expect(failed[0]!.maxUs / 1000).toBeLessThanOrEqual(clientMax);
    expect(failed[0]!.maxUs / 1000).toBeGreaterThan(clientMax * 0.9);
  });

  it("connect-healthy: fast connects, lifetimes of every closed connection, RTT within 20 % of the kernel's srtt (ss)", async () => {
    const { truth, section } = await traced('connect-healthy', { connections: 20 });
    const us = clientUs(truth);
    const ss = JSON.parse(String(truth.measured.ssRttUs)) as number[];
    const row = section!.connect.find((r) => r.dport === PORT)!;
    expect(row.session.count).toBe(20);
    expect(us).toHaveLength(20);
    expect(row.session.maxUs).toBeLessThan(100_000);
    expect(Object.keys(row.synRetrans)).toHaveLength(0);
    const life = section!.lifetime.find((l) => l.direction === 'out' && l.port === PORT)!;
    expect(life.session.count).toBe(20);
    expect(life.session.maxUs / 1000).toBeLessThanOrEqual(2 * (Number(truth.measured.heldMs) + 1000));
    const rtt = section!.rtt.find((l) => l.direction === 'out' && l.port === PORT)!;
    const mean = rtt.session.sumUs / rtt.session.count;
    const ssMean = ss.reduce((s, x) => s + x, 0) / ss.length;
    console.log(
      `healthy: rtt probe mean ${mean.toFixed(1)} us over ${rtt.session.count}, ss mean ${ssMean.toFixed(1)} us over ${ss.length}; lifetime ${JSON.stringify(life.session)}`,
    );
    expect(ss).toHaveLength(20);
    expect(rtt.session.count).toBe(20);
    expect(Math.abs(mean - ssMean) / ssMean).toBeLessThan(0.2);
  });
});
