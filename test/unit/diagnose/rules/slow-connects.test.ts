// Rule slow-connects on snapshots whose latency section is built by the real accumulator from the numbers the lab
// measured (syn-loss: 6 connects at ~1.02 s with 1 SYN retransmit each; slow-accept: 3 at ~3.05 s).
import { describe, expect, it } from 'vitest';
import { slowConnects, slowConnectsFinding } from '../../../../src/diagnose/rules/slow-connects.js';
import { attributeSynLoss, type KnownListener } from '../../../../src/diagnose/connect-attribution.js';
import { emptyBatch } from '../../../../src/model/probe-batch.js';
import { LatencyAccumulator, type LatencySection } from '../../../../src/pipeline/latency.js';
import { bucketOf } from '../../../../src/model/latency-stats.js';
import { ctxOf, listener, snap } from '../factory.js';

const NS = 4026531840;

function section(dport: number, latenciesUs: number[], synRetrans: Record<number, number>): LatencySection {
  const buckets: Record<number, number> = {};
  for (const u of latenciesUs) buckets[bucketOf(u)] = (buckets[bucketOf(u)] ?? 0) + 1;
  const b = emptyBatch();
  b.latency = {
    connect: [
      {
        netns: NS,
        dport,
        count: latenciesUs.length,
        sumUs: latenciesUs.reduce((s, x) => s + x, 0),
        maxUs: Math.max(...latenciesUs),
        buckets,
        synRetrans,
      },
    ],
    failed: [],
    lifetime: [],
    rtt: [],
  };
  return new LatencyAccumulator().add([b], NS)!;
}

const other = (p: Partial<KnownListener> = {}): KnownListener => ({
  netns: 4026532999,
  netnsName: 'web2',
  addr: '::',
  port: 8080,
  pid: 4242,
  comm: 'nginx',
  queue: 2,
  capacity: 1,
  overflows: 0,
  synQueueDrops: 0,
  ...p,
});

describe('slow-connects', () => {
  it('is silent on fast connects and without the latency section', () => {
    expect(slowConnects.evaluate(ctxOf(snap()))).toBeUndefined();
    const s = snap();
    s.latency = section(8080, [120, 180, 2_000], {});
    expect(slowConnects.evaluate(ctxOf(s))).toBeUndefined();
  });

  it('SYN lost on the path: names the 1 s step, the live sysctls and the give-up time, no local listener', () => {
    const s = snap();
    s.latency = section(8080, [1_005_528, 1_005_536, 1_005_669, 1_005_678, 1_005_685, 1_024_005], { 1: 6 });
    const f = slowConnects.evaluate(ctxOf(s))!;
    expect(f.id).toBe('slow-connects');
    expect(f.evidence).toMatchObject({ dport: 8080, connects: 6, slowConnects: 6, maxMs: 1024, connectGiveUpS: 131 });
    expect(f.evidence.p50Ms).toBeGreaterThanOrEqual(917);
    expect(f.title).toBe(
      'slow connects to port 8080: p99 1.02 s, max 1.02 s over 6 connects; 6 needed SYN retransmits (SYN lost on the path or by the server)',
    );
    expect(f.explanation).toContain('6 after 1 lost SYN (~1 s)');
    expect(f.explanation).toContain(
      'tcp_syn_retries=6, tcp_syn_linear_timeouts=4: a lost SYN is retransmitted at 1,2,3,4,5,7,11,19,35,67 s and connect() fails with ETIMEDOUT at 131 s',
    );
    expect(f.explanation).toContain('the network path');
    expect(f.sysctls.map((x) => [x.name, x.value])).toEqual([
      ['net.ipv4.tcp_syn_retries', '6'],
      ['net.ipv4.tcp_syn_linear_timeouts', '4'],
    ]);
  });

  it('classic kernel without linear timeouts: 1, 3, 7 s steps and 127 s', () => {
    const s = snap({ sysctls: { 'net.ipv4.tcp_syn_linear_timeouts': undefined } });
    s.latency = section(443, [3_010_000], { 2: 1 });
    const f = slowConnects.evaluate(ctxOf(s))!;
    expect(f.explanation).toContain('1 after 2 lost SYNs (~3 s)');
    expect(f.explanation).toContain('retransmitted at 1,3,7,15,31,63 s and connect() fails with ETIMEDOUT at 127 s');
  });

  it('a local listener in this netns that overflowed is named as the cause', () => {
    const prev = snap({ seq: 0, counters: { TcpExtListenOverflows: 10, TcpExtListenDrops: 10 } });
    const s = snap({
      seq: 1,
      listeners: [listener({ addr: '::', port: 8080, queue: 2, capacity: 1, pid: 77, comm: 'churn' })],
    });
    s.latency = section(8080, [3_049_551, 3_049_558, 3_049_589], { 3: 3 });
    const f = slowConnects.evaluate(ctxOf(prev, s))!;
    expect(f.title).toContain('(accept queue of [::]:8080 of pid 77 (churn))');
    expect(f.evidence).toMatchObject({ listenOverflows: 10, listener: '[::]:8080 of pid 77 (churn)' });
    expect(f.explanation).toContain('3 after 3 lost SYNs (~3 s)');
    expect(f.explanation).toContain('overflowed 10 times');
  });

  it('across namespaces: the overflowing listener of another netns on the destination port', () => {
    const s = snap();
    s.latency = section(8080, [1_020_000, 1_030_000], { 1: 2 });
    const f = slowConnectsFinding(ctxOf(s), [other({ port: 9090, overflows: 50 }), other({ overflows: 12 })])!;
    expect(f.title).toContain('(accept queue of [::]:8080 of pid 4242 (nginx) in netns web2)');
    expect(f.advice[0]).toContain('nginx (pid 4242)');
  });

  it('attributeSynLoss: accept queue before SYN queue, address match, quiet listeners explain nothing', () => {
    const quiet = other();
    expect(attributeSynLoss(8080, [quiet])).toEqual({ kind: 'network' });
    const syn = other({ netns: 1, synQueueDrops: 4 });
    const acc = other({ netns: 2, overflows: 1 });
    expect(attributeSynLoss(8080, [syn, acc])).toEqual({ kind: 'accept-queue', listener: acc });
    expect(attributeSynLoss(8080, [syn])).toEqual({ kind: 'syn-queue', listener: syn });
    const bound = other({ addr: '198.18.0.1', overflows: 3 });
    expect(attributeSynLoss(8080, [bound], '198.18.0.9')).toEqual({ kind: 'network' });
    expect(attributeSynLoss(8080, [bound], '198.18.0.1')).toEqual({ kind: 'accept-queue', listener: bound });
  });
});
