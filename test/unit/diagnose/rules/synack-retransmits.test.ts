// Rule synack-retransmits on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { synackRetransmits } from '../../../../src/diagnose/rules/synack-retransmits.js';
import { createDiagnoser } from '../../../../src/diagnose/engine.js';
import { ctxOf, listener, snap } from '../factory.js';

describe('synack-retransmits', () => {
  it('uses the eBPF per-listener counts and the live synack_retries timeline', () => {
    const f = synackRetransmits.evaluate(
      ctxOf(
        snap({
          states: { SYN_RECV: 14 },
          listeners: [listener({ addr: '0.0.0.0', port: 443 })],
          events: {
            synackRetrans: 14,
            synackRetransByListener: [
              { laddr: '10.0.0.1', lport: 443, count: 14, acceptQueue: 2, acceptCapacity: 4096, synQueue: 14 },
            ],
          },
        }),
      ),
    );
    expect(f?.title).toBe(
      'clients not completing handshakes on 10.0.0.1:443 of pid 812 (nginx): 14 SYN-ACK retransmits this interval',
    );
    expect(f?.evidence).toMatchObject({ synackRetrans: 14, synRecv: 14, synQueue: 14, acceptQueue: 2, pid: 812 });
    expect(f?.explanation).toContain(
      'tcp_synack_retries=5: each request is retransmitted at 1,3,7,15,31 s and dropped at 63 s',
    );
    expect(f?.advice).toContainEqual(
      expect.stringMatching(/^sysctl -w net\.ipv4\.tcp_synack_retries=2 .*give up at 7 s instead of 63 s/),
    );
  });

  it('points at the accept queue when it was full at the retransmit', () => {
    const f = synackRetransmits.evaluate(
      ctxOf(
        snap({
          events: {
            synackRetrans: 3,
            synackRetransByListener: [
              { laddr: '0.0.0.0', lport: 8080, count: 3, acceptQueue: 129, acceptCapacity: 128, synQueue: 0 },
            ],
          },
        }),
      ),
    );
    expect(f?.advice[0]).toContain('see accept-queue-overflow');
  });

  it('in procfs mode uses TCPSynRetrans only while requests are pending, and says so', () => {
    expect(
      synackRetransmits.evaluate(ctxOf(snap({ mode: 'procfs', counters: { TcpExtTCPSynRetrans: 5 } }))),
    ).toBeUndefined();
    const f = synackRetransmits.evaluate(
      ctxOf(snap({ mode: 'procfs', states: { SYN_RECV: 2 }, counters: { TcpExtTCPSynRetrans: 5 } })),
    );
    expect(f?.evidence).toMatchObject({ tcpSynRetrans: 5, synRecv: 2 });
    expect(f?.explanation).toContain('procfs mode');
  });

  it('is raised by the first interval with retransmits, as the kernel sends them 1, 2, 4... s apart (lab: 500 ms interval)', () => {
    const d = createDiagnoser({ rules: [synackRetransmits] });
    const counts = [2, 0, 2, 0, 0, 0];
    const fired = counts.map((n, i) =>
      d
        .evaluate(snap({ time: 1000 + i * 500, seq: i, intervalMs: 500, events: { synackRetrans: n } }))
        .map((f) => f.id),
    );
    expect(fired[0]).toEqual(['synack-retransmits']);
  });
});
