// Rule resets-after-handshake on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { resetsAfterHandshake } from '../../../../src/diagnose/rules/resets-after-handshake.js';
import { ctxOf, snap } from '../factory.js';

describe('resets-after-handshake', () => {
  it('is silent without RSTs', () => {
    expect(resetsAfterHandshake.evaluate(ctxOf(snap({ counters: { TcpActiveOpens: 10 } })))).toBeUndefined();
  });

  it('names causes from the kernel reset reasons (eBPF)', () => {
    const f = resetsAfterHandshake.evaluate(
      ctxOf(
        snap({
          counters: { TcpOutRsts: 12, TcpEstabResets: 2 },
          events: { resetsSent: 12, resetsSentByReason: { NO_SOCKET: 3, TCP_ABORT_ON_DATA: 9 } },
        }),
      ),
    );
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('12 RSTs sent this interval, mostly TCP_ABORT_ON_DATA');
    expect(f?.evidence).toMatchObject({
      resetsSent: 12,
      outRsts: 12,
      estabResets: 2,
      'reason.TCP_ABORT_ON_DATA': 9,
      'reason.NO_SOCKET': 3,
    });
    expect(f?.explanation).toContain('9 TCP_ABORT_ON_DATA: the application closed a socket with unread data');
    expect(f?.advice[0]).toContain('read the request fully before close()');
  });

  it('procfs: abort counters, and overflow with abort_on_overflow=1', () => {
    const f = resetsAfterHandshake.evaluate(
      ctxOf(
        snap({
          mode: 'procfs',
          sysctls: { 'net.ipv4.tcp_abort_on_overflow': '1' },
          counters: { TcpOutRsts: 30, TcpExtTCPAbortOnLinger: 4, TcpExtListenOverflows: 26 },
        }),
      ),
    );
    expect(f?.evidence).toMatchObject({
      resetsSent: 30,
      'reason.ACCEPT_QUEUE_OVERFLOW': 26,
      'reason.TCP_ABORT_ON_LINGER': 4,
    });
    expect(f?.explanation).toContain('26 from the accept queue overflowing with tcp_abort_on_overflow=1');
    expect(f?.advice[0]).toMatch(/^sysctl -w net\.ipv4\.tcp_abort_on_overflow=0/);
    expect(f?.sysctls[0]).toEqual(expect.objectContaining({ value: '1' }));
  });

  it('is silent when connects time out without any RST (TCPAbortOnTimeout alone, as in the lab syn-timeout)', () => {
    const counters = { TcpExtTCPAbortOnTimeout: 2, TcpAttemptFails: 2, TcpExtTCPSynRetrans: 10 };
    expect(resetsAfterHandshake.evaluate(ctxOf(snap({ counters, events: { synRetrans: 10 } })))).toBeUndefined();
    expect(resetsAfterHandshake.evaluate(ctxOf(snap({ mode: 'procfs', counters })))).toBeUndefined();
  });

  it('eBPF, abort_on_overflow=1: only the reset final ACKs (INVALID_SYN) are overflow RSTs, not every ListenOverflow (lab: 11 vs 2)', () => {
    const f = resetsAfterHandshake.evaluate(
      ctxOf(
        snap({
          sysctls: { 'net.ipv4.tcp_abort_on_overflow': '1' },
          counters: { TcpOutRsts: 2, TcpExtListenOverflows: 11, TcpExtListenDrops: 11 },
          events: { resetsSent: 2, resetsSentByReason: { INVALID_SYN: 2 } },
        }),
      ),
    );
    expect(f?.evidence).toMatchObject({ resetsSent: 2, 'reason.ACCEPT_QUEUE_OVERFLOW': 2 });
    expect(f?.evidence['reason.INVALID_SYN']).toBeUndefined();
    expect(f?.explanation).toContain('2 from the accept queue overflowing with tcp_abort_on_overflow=1');
  });

  it('only closed-port RSTs are info', () => {
    const f = resetsAfterHandshake.evaluate(
      ctxOf(snap({ events: { resetsSent: 2, resetsSentByReason: { NO_SOCKET: 2 } } })),
    );
    expect(f?.severity).toBe('info');
  });
});
