// Rule syn-queue-overflow on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { synQueueOverflow } from '../../../../src/diagnose/rules/syn-queue-overflow.js';
import { ctxOf, snap } from '../factory.js';

describe('syn-queue-overflow', () => {
  it('is silent with cookies answering (that is syn-flood)', () => {
    expect(
      synQueueOverflow.evaluate(ctxOf(snap({ counters: { TcpExtTCPReqQFullDoCookies: 50, TcpExtListenDrops: 0 } }))),
    ).toBeUndefined();
  });

  it('with syncookies=0: names the 3/4-of-tcp_max_syn_backlog rule and advises cookies first', () => {
    const f = synQueueOverflow.evaluate(
      ctxOf(
        snap({
          netnsName: 'web1',
          sysctls: { 'net.ipv4.tcp_syncookies': '0', 'net.ipv4.tcp_max_syn_backlog': '256' },
          counters: { TcpExtTCPReqQFullDrop: 12, TcpExtListenDrops: 40, TcpExtListenOverflows: 3 },
          states: { SYN_RECV: 190 },
        }),
      ),
    );
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({
      reqQFullDrop: 12,
      listenDrops: 40,
      listenOverflows: 3,
      synBacklogDrops: 25,
      synRecv: 190,
    });
    expect(f?.title).toBe('37 SYNs dropped this interval: SYN queue full');
    expect(f?.sysctls).toContainEqual(expect.objectContaining({ name: 'net.ipv4.tcp_syncookies', value: '0' }));
    expect(f?.explanation).toContain('3/4 of tcp_max_syn_backlog (192 of 256)');
    expect(f?.explanation).toContain('min(listen() backlog, somaxconn = 4096), not tcp_max_syn_backlog');
    expect(f?.advice[0]).toMatch(/^ip netns exec web1 sysctl -w net\.ipv4\.tcp_syncookies=1/);
    expect(f?.advice).toContainEqual(
      expect.stringMatching(
        /^ip netns exec web1 sysctl -w net\.ipv4\.tcp_max_syn_backlog=8192 +# only matters because syncookies=0/,
      ),
    );
  });

  it('with syncookies on, says tcp_max_syn_backlog is not the limit', () => {
    const f = synQueueOverflow.evaluate(ctxOf(snap({ counters: { TcpExtTCPReqQFullDrop: 4, TcpExtListenDrops: 4 } })));
    expect(f?.advice).toContain(
      'raising net.ipv4.tcp_max_syn_backlog alone changes nothing here: with syncookies on it is not the SYN queue limit',
    );
    expect(f?.explanation).toContain('TCPReqQFullDrop counts only while cookies are off');
  });
});
