// Rule time-wait-pressure on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { timeWaitPressure } from '../../../../src/diagnose/rules/time-wait-pressure.js';
import { ctxOf, series, snap } from '../factory.js';

describe('time-wait-pressure', () => {
  it('is silent with few TIME_WAIT sockets and a slow connect rate', () => {
    expect(
      timeWaitPressure.evaluate(ctxOf(snap({ states: { TIME_WAIT: 500 }, counters: { TcpActiveOpens: 20 } }))),
    ).toBeUndefined();
  });

  it('reports tcp_max_tw_buckets overflow with the truth about fin_timeout and tw_recycle', () => {
    const f = timeWaitPressure.evaluate(
      ctxOf(
        snap({
          sysctls: { 'net.ipv4.tcp_max_tw_buckets': '5000' },
          states: { TIME_WAIT: 5000 },
          counters: { TcpExtTCPTimeWaitOverflow: 120 },
        }),
      ),
    );
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({ timeWait: 5000, timeWaitOverflow: 120, maxTwBuckets: 5000 });
    expect(f?.explanation).toContain('120 TIME_WAIT sockets were not created (tcp_max_tw_buckets=5000 reached');
    expect(f?.explanation).toContain('tcp_fin_timeout does not change it');
    expect(f?.explanation).toContain(
      'tcp_tw_reuse=2 NOW: a new outgoing connect() may reuse a TIME_WAIT port only on loopback',
    );
    expect(f?.explanation).toContain('removed in 4.12');
    expect(f?.advice).toContainEqual(expect.stringMatching(/^sysctl -w net\.ipv4\.tcp_max_tw_buckets=262144/));
  });

  it('computes the port-range limit per destination from the connect rate over the window', () => {
    const snaps = series(10, (i) => ({
      netnsName: 'c1',
      states: { TIME_WAIT: 20_000 + i },
      counters: { TcpActiveOpens: 450 },
    }));
    const f = timeWaitPressure.evaluate(ctxOf(...snaps));
    expect(f?.evidence).toMatchObject({
      ephemeralPorts: 28232,
      maxNewConnsPerSPerDestination: 470,
      activeOpensPerS: 450,
    });
    expect(f?.title).toBe('20009 sockets in TIME_WAIT: ephemeral ports run out at 470/s per destination');
    expect(f?.explanation).toContain('about 470 new ones per second to one destination');
    expect(f?.advice).toContain('ip netns exec c1 sysctl -w net.ipv4.ip_local_port_range="1024 65535"');
    expect(f?.advice.some((a) => a.startsWith('ip netns exec c1 sysctl -w net.ipv4.tcp_tw_reuse=1'))).toBe(true);
  });
});
