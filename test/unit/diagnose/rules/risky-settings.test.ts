// Rule risky-settings on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { riskySettingsRule } from '../../../../src/diagnose/rules/risky-settings.js';
import { ctxOf, snap } from '../factory.js';

describe('risky-settings', () => {
  it('is silent on kernel defaults', () => {
    expect(riskySettingsRule.evaluate(ctxOf(snap()))).toBeUndefined();
  });

  it('flags tw_recycle, abort_on_overflow=1, syncookies=0 with drops, tiny somaxconn and keepalive', () => {
    const f = riskySettingsRule.evaluate(
      ctxOf(
        snap({
          netnsName: 'old',
          sysctls: {
            'net.ipv4.tcp_tw_recycle': '1',
            'net.ipv4.tcp_abort_on_overflow': '1',
            'net.ipv4.tcp_syncookies': '0',
            'net.core.somaxconn': '64',
            'net.ipv4.tcp_keepalive_time': '10',
            'net.ipv4.tcp_max_tw_buckets': '1000',
            'net.ipv4.tcp_syn_retries': '1',
          },
          counters: { TcpExtTCPReqQFullDrop: 3, TcpExtListenDrops: 3 },
        }),
      ),
    );
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({ risky: 7, 'net.ipv4.tcp_tw_recycle': '1', 'net.core.somaxconn': '64' });
    expect(f?.sysctls.find((x) => x.name === 'net.ipv4.tcp_syncookies')?.role).toContain('(happening now)');
    expect(f?.sysctls.find((x) => x.name === 'net.ipv4.tcp_syn_retries')?.role).toBe(
      'connect() fails after 3 s: one or two lost SYNs make a connection fail',
    );
    expect(f?.explanation).toContain('removed from the kernel in 4.12');
    expect(f?.advice).toContain('ip netns exec old sysctl -w net.ipv4.tcp_tw_recycle=0');
    expect(f?.advice).toContain('ip netns exec old sysctl -w net.core.somaxconn=4096');
    expect(f?.advice).toContain('ip netns exec old sysctl -w net.ipv4.tcp_syncookies=1');
  });
});
