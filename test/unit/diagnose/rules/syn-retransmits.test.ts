// Rule syn-retransmits on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { synRetransmits } from '../../../../src/diagnose/rules/syn-retransmits.js';
import { createDiagnoser } from '../../../../src/diagnose/engine.js';
import { ctxOf, snap } from '../factory.js';

describe('syn-retransmits', () => {
  it('is silent without SYN retransmits', () => {
    expect(synRetransmits.evaluate(ctxOf(snap({ events: { synackRetrans: 3 } })))).toBeUndefined();
  });

  it('computes the give-up from syn_retries + linear timeouts (131 s on 6.18 defaults)', () => {
    const f = synRetransmits.evaluate(
      ctxOf(snap({ states: { SYN_SENT: 4 }, counters: { TcpAttemptFails: 1 }, events: { synRetrans: 9 } })),
    );
    expect(f?.severity).toBe('warning');
    expect(f?.evidence).toMatchObject({ synRetrans: 9, synSent: 4, attemptFails: 1, connectGiveUpS: 131 });
    expect(f?.explanation).toContain('at 1,2,3,4,5,7,11,19,35,67 s and fails with ETIMEDOUT at 131 s');
    expect(f?.sysctls).toContainEqual(
      expect.objectContaining({ name: 'net.ipv4.tcp_syn_linear_timeouts', value: '4' }),
    );
    expect(f?.advice).toContainEqual(
      expect.stringMatching(/^sysctl -w net\.ipv4\.tcp_syn_retries=3 +# fail connects after 19 s instead of 131 s/),
    );
  });

  it('uses the classic schedule without tcp_syn_linear_timeouts (127 s)', () => {
    const f = synRetransmits.evaluate(
      ctxOf(snap({ sysctls: { 'net.ipv4.tcp_syn_linear_timeouts': undefined }, events: { synRetrans: 1 } })),
    );
    expect(f?.severity).toBe('info');
    expect(f?.explanation).toContain('at 1,3,7,15,31,63 s and fails with ETIMEDOUT at 127 s');
    expect(f?.explanation).toContain('no tcp_syn_linear_timeouts on this kernel');
  });

  it('procfs mode: TCPSynRetrans while connects are pending', () => {
    expect(
      synRetransmits.evaluate(ctxOf(snap({ mode: 'procfs', counters: { TcpExtTCPSynRetrans: 3 } }))),
    ).toBeUndefined();
    const f = synRetransmits.evaluate(
      ctxOf(snap({ mode: 'procfs', states: { SYN_SENT: 1 }, counters: { TcpExtTCPSynRetrans: 3 } })),
    );
    expect(f?.evidence).toMatchObject({ tcpSynRetrans: 3, synSent: 1 });
  });

  it('is raised by the first interval with retransmits, as the kernel sends them 1, 2, 4... s apart (lab: 500 ms interval)', () => {
    const d = createDiagnoser({ rules: [synRetransmits] });
    const counts = [2, 0, 2, 0, 0, 0];
    const fired = counts.map((n, i) =>
      d.evaluate(snap({ time: 1000 + i * 500, seq: i, intervalMs: 500, events: { synRetrans: n } })).map((f) => f.id),
    );
    expect(fired[0]).toEqual(['syn-retransmits']);
  });
});
