// The full probe program in the lab scenarios not covered by test/kernel/probes: accept-queue overflow (SYN-ACK
// retransmits, which overflows reach kfree_skb) and churn (state transitions = the kernel's open counters, exactly).
import { afterAll, describe, expect, it } from 'vitest';
import {
  runScenario,
  PORT,
  type GroundTruth,
  type ScenarioName,
  type ScenarioOptions,
} from '../../scripts/lab/index.js';
import { detectCapabilities } from '../../src/kernel/capabilities.js';
import { findTracefs } from '../../src/kernel/tracefs/tracefs.js';
import { isTickLine, type ProbeBatch } from '../../src/kernel/probes/index.js';
import { startProbeTrace, type ProbeTrace } from '../kernel/probes/helpers.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { assertNothingLeft, trackNetns } from './helpers.js';

/** Runs a scenario with the probe program (all netns) live from one tick before the traffic to two ticks after it. */
async function traced(
  name: ScenarioName,
  opts: Omit<ScenarioOptions, 'beforeTraffic' | 'afterTraffic'>,
): Promise<{ truth: GroundTruth; batches: ProbeBatch[]; gaps: number }> {
  await requireKernelTracing();
  await requireLab();
  const caps = await detectCapabilities((await findTracefs())!);
  let trace: ProbeTrace | undefined;
  try {
    const truth = await runScenario(name, {
      ...opts,
      beforeTraffic: async (topo) => {
        trackNetns(topo.server.name, topo.client.name);
        trace = startProbeTrace(caps, { intervalMs: 500 });
        await trace.started;
      },
      afterTraffic: async () => {
        await trace!.next(isTickLine);
        await trace!.next(isTickLine);
      },
    });
    return { truth, batches: trace!.batches, gaps: trace!.gaps() };
  } finally {
    await trace?.stop();
  }
}

const inNs = <T extends { netns: number; count: number }>(
  rows: T[],
  ns: number,
  pred: (r: T) => boolean = () => true,
): number => rows.filter((r) => r.netns === ns && pred(r)).reduce((s, r) => s + r.count, 0);

describe('probe program in more lab scenarios', () => {
  afterAll(assertNothingLeft, 30_000);

  it('accept-overflow: SYN-ACK retransmits exact; overflowed final ACKs are kfree_skb TCP_LISTEN_OVERFLOW, overflowed SYNs never are', async () => {
    const { truth, batches, gaps } = await traced('accept-overflow', {});
    const ns = truth.server.inode;
    const synack = batches.flatMap((b) => b.synackRetrans);
    const drops = batches.flatMap((b) => b.drops);
    const overflowDrops = inNs(drops, ns, (d) => d.reason === 'TCP_LISTEN_OVERFLOW');
    const m = truth.measured;
    console.log(
      `accept-overflow: synack probes ${inNs(synack, ns)} (expected ${String(m.expectedSynAckRetrans)}, TCPSynRetrans ${String(truth.server.counters.TcpExtTCPSynRetrans)}); ` +
        `ListenOverflows ${String(truth.server.counters.TcpExtListenOverflows)} = ${String(m.expectedAckOverflows)} final ACKs + ${truth.server.counters.TcpExtListenOverflows! - Number(m.expectedAckOverflows)} SYNs; ` +
        `kfree_skb TCP_LISTEN_OVERFLOW ${overflowDrops}; drops by reason ${JSON.stringify(drops.filter((d) => d.netns === ns))}`,
    );
    expect(inNs(synack, ns)).toBe(m.expectedSynAckRetrans);
    expect(inNs(synack, ns)).toBe(truth.server.counters.TcpExtTCPSynRetrans);
    for (const r of synack.filter((x) => x.netns === ns)) {
      expect(r.lport).toBe(PORT);
      expect(r.acceptCapacity).toBe(2);
    }
    // At least one retransmit found the queue full (backlog+1 = 3 > 2): the evidence the accept-queue rule uses.
    expect(synack.some((r) => r.netns === ns && r.acceptQueue > r.acceptCapacity)).toBe(true);
    // Kernel truth on 6.18: each final ACK hitting the full queue is freed with kfree_skb(TCP_LISTEN_OVERFLOW); the SYNs
    // dropped on a full queue are consume_skb'd and never reach kfree_skb, so ListenOverflows counts more.
    expect(overflowDrops).toBe(m.expectedAckOverflows);
    expect(truth.server.counters.TcpExtListenOverflows).toBeGreaterThan(overflowDrops);
    expect(gaps).toBe(0);
  }, 120_000);

  it('churn, 5 s at 300/s: CLOSE->SYN_SENT = TcpActiveOpens, LISTEN->SYN_RECV = SYN_RECV->ESTABLISHED = TcpPassiveOpens', async () => {
    const { truth, batches, gaps } = await traced('churn', { rate: 300, durationMs: 5000 });
    const t = batches.flatMap((b) => b.transitions);
    const c = truth.client.inode;
    const s = truth.server.inode;
    const k = (ns: number, from: string, to: string): number => inNs(t, ns, (r) => r.from === from && r.to === to);
    const got = {
      clientCloseToSynSent: k(c, 'CLOSE', 'SYN_SENT'),
      clientSynSentToEstablished: k(c, 'SYN_SENT', 'ESTABLISHED'),
      serverListenToSynRecv: k(s, 'LISTEN', 'SYN_RECV'),
      serverSynRecvToEstablished: k(s, 'SYN_RECV', 'ESTABLISHED'),
    };
    const active = truth.client.counters.TcpActiveOpens ?? 0;
    const passive = truth.server.counters.TcpPassiveOpens ?? 0;
    console.log(
      `churn: ${JSON.stringify(got)}; TcpActiveOpens ${active}, TcpPassiveOpens ${passive}, measured ${JSON.stringify(truth.measured)}`,
    );
    expect(active).toBeGreaterThan(1000);
    expect(got).toEqual({
      clientCloseToSynSent: active,
      clientSynSentToEstablished: active,
      serverListenToSynRecv: passive,
      serverSynRecvToEstablished: passive,
    });
    expect(gaps).toBe(0);
  }, 120_000);
});
