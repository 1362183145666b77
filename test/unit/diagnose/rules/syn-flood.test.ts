// Rule syn-flood on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { synFlood } from '../../../../src/diagnose/rules/syn-flood.js';
import { ctxOf, snap } from '../factory.js';

describe('syn-flood', () => {
  it('is silent without cookies', () => {
    expect(synFlood.evaluate(ctxOf(snap({ counters: { TcpPassiveOpens: 100 } })))).toBeUndefined();
  });

  it('ignores answered cookies with syncookies=2 (every SYN gets one and counts TCPReqQFullDoCookies, as measured in the lab)', () => {
    const counters = {
      TcpExtTCPReqQFullDoCookies: 100,
      TcpExtSyncookiesSent: 100,
      TcpExtSyncookiesRecv: 97,
      TcpPassiveOpens: 97,
    };
    expect(synFlood.evaluate(ctxOf(snap({ sysctls: { 'net.ipv4.tcp_syncookies': '2' }, counters })))).toBeUndefined();
  });

  it('still calls unanswered cookies a flood with syncookies=2 (lab: 1000 spoofed SYNs, none came back)', () => {
    const counters = { TcpExtTCPReqQFullDoCookies: 1000, TcpExtSyncookiesSent: 1000 };
    const f = synFlood.evaluate(ctxOf(snap({ sysctls: { 'net.ipv4.tcp_syncookies': '2' }, counters })));
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({ syncookiesSent: 1000, syncookiesRecv: 0, cookiesUnansweredPct: 100 });
  });

  it('calls unanswered cookies a flood, with the synack_retries cut', () => {
    const f = synFlood.evaluate(
      ctxOf(
        snap({
          counters: { TcpExtTCPReqQFullDoCookies: 900, TcpExtSyncookiesSent: 900, TcpExtSyncookiesRecv: 3 },
          states: { SYN_RECV: 4096 },
        }),
      ),
    );
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe('SYN flood: 900 syncookies sent this interval, 3 came back');
    expect(f?.evidence).toMatchObject({
      syncookiesSent: 900,
      syncookiesRecv: 3,
      cookiesUnansweredPct: 100,
      synRecv: 4096,
    });
    expect(f?.sysctls[0]).toEqual(expect.objectContaining({ name: 'net.ipv4.tcp_syncookies', value: '1' }));
    expect(f?.advice).toContainEqual(expect.stringMatching(/^sysctl -w net\.ipv4\.tcp_synack_retries=2 .*7 s/));
    expect(f?.explanation).toContain('only matters with syncookies=0');
  });

  it('calls answered cookies a burst of real clients (warning)', () => {
    const f = synFlood.evaluate(ctxOf(snap({ counters: { TcpExtSyncookiesSent: 200, TcpExtSyncookiesRecv: 190 } })));
    expect(f?.severity).toBe('warning');
    expect(f?.explanation).toContain('real clients arrive faster than the queue drains');
  });
});
