// Rule orphan-pressure on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { orphanPressure } from '../../../../src/diagnose/rules/orphan-pressure.js';
import { ctxOf, snap } from '../factory.js';

describe('orphan-pressure', () => {
  it('is silent with few orphans', () => {
    expect(orphanPressure.evaluate(ctxOf(snap({ sockstat: { 'TCP.orphan': 100 } })))).toBeUndefined();
  });

  it('reports TCPAbortOnMemory and orphan_retries=0 meaning 8', () => {
    const f = orphanPressure.evaluate(
      ctxOf(
        snap({
          sysctls: { 'net.ipv4.tcp_max_orphans': '1000' },
          sockstat: { 'TCP.orphan': 990 },
          counters: { TcpExtTCPAbortOnMemory: 17 },
        }),
      ),
    );
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({ orphans: 990, abortOnMemory: 17, maxOrphans: 1000, orphanRetries: 8 });
    expect(f?.explanation).toContain(
      'tcp_orphan_retries=0 (0 means 8): an orphan retransmits 8 times, about 102.2 s at the minimum RTO',
    );
    expect(f?.advice[0]).toMatch(/^sysctl -w net\.ipv4\.tcp_max_orphans=262144/);
    expect(f?.advice[1]).toMatch(/^sysctl -w net\.ipv4\.tcp_orphan_retries=3/);
  });

  it('warns at half of tcp_max_orphans', () => {
    const f = orphanPressure.evaluate(
      ctxOf(snap({ sysctls: { 'net.ipv4.tcp_max_orphans': '1000' }, sockstat: { 'TCP.orphan': 500 } })),
    );
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('500 orphaned sockets, ≥ 50% of tcp_max_orphans=1000');
  });
});
