import { describe, expect, it } from 'vitest';
import {
  counterDeltas,
  expectedSynSchedule,
  parseDuration,
  parseProcPairs,
  parseSockstat,
  parseSsCensus,
} from '../../scripts/lab/index.js';
import { parseSsListeners, parseSsOwners, parseSnmp6 } from '../../scripts/lab/procfs.js';

describe('lab procfs parsers', () => {
  it('parses netstat/snmp pairs into nstat names', () => {
    const txt = 'TcpExt: SyncookiesSent ListenOverflows\nTcpExt: 3 7\nIpExt: InNoRoutes\nIpExt: 1\n';
    expect(parseProcPairs(txt)).toEqual({ TcpExtSyncookiesSent: 3, TcpExtListenOverflows: 7, IpExtInNoRoutes: 1 });
    expect(parseProcPairs('Tcp: RtoAlgorithm MaxConn ActiveOpens\nTcp: 1 -1 5\n')).toEqual({
      TcpRtoAlgorithm: 1,
      TcpMaxConn: -1,
      TcpActiveOpens: 5,
    });
    expect(parseSnmp6('Ip6InReceives                   	11\nIcmp6InMsgs 2\n')).toEqual({
      Ip6InReceives: 11,
      Icmp6InMsgs: 2,
    });
  });
  it('parses sockstat', () => {
    expect(parseSockstat('sockets: used 5\nTCP: inuse 1 orphan 0 tw 3 alloc 4 mem 1\nUDP: inuse 0 mem 0\n')).toEqual({
      sockets_used: 5,
      TCP_inuse: 1,
      TCP_orphan: 0,
      TCP_tw: 3,
      TCP_alloc: 4,
      TCP_mem: 1,
    });
    expect(parseSockstat('TCP6: inuse 2\nUDP6: inuse 0\n')).toEqual({ TCP6_inuse: 2 });
  });
  it('counts ss states, listeners and owners', () => {
    const ss = [
      'LISTEN     0      511               *:8080             *:*',
      'TIME-WAIT  0      0      198.18.0.2:40000  198.18.0.1:8080',
      'TIME-WAIT  0      0      198.18.0.2:40001  198.18.0.1:8080',
      'CLOSE-WAIT 1      0      [2001:db8:7c::1]:8080 [2001:db8:7c::2]:5000 users:(("node",pid=42,fd=20))',
      'SYN-RECV   0      0      198.18.0.1:8080 198.18.0.2:1',
      'FIN-WAIT-2 0      0      198.18.0.2:1 198.18.0.1:8080',
    ].join('\n');
    const c = parseSsCensus(ss);
    expect(c).toMatchObject({ LISTEN: 1, TIME_WAIT: 2, CLOSE_WAIT: 1, SYN_RECV: 1, FIN_WAIT2: 1, ESTABLISHED: 0 });
    expect(parseSsListeners('LISTEN 3      2      0.0.0.0:8080      0.0.0.0:*\n')).toEqual([
      { port: 8080, recvQ: 3, sendQ: 2 },
    ]);
    expect(parseSsOwners(ss)).toEqual([{ state: 'CLOSE_WAIT', comm: 'node', pid: 42 }]);
  });
  it('computes deltas: non-zero plus asserted', () => {
    expect(counterDeltas({ A: 1, B: 2, C: 5 }, { A: 1, B: 4, C: 5, D: 1 }, ['C', 'Z'])).toEqual({
      B: 2,
      C: 0,
      D: 1,
      Z: 0,
    });
  });
  it('parses durations', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(() => parseDuration('ten')).toThrow();
  });
  it('models the SYN retransmit schedule (linear timeouts + time budget)', () => {
    expect(expectedSynSchedule(6, 4)).toEqual({ retransmits: 10, giveUpMs: 131_000 });
    expect(expectedSynSchedule(6, 0)).toEqual({ retransmits: 6, giveUpMs: 127_000 });
    expect(expectedSynSchedule(2, 4)).toEqual({ retransmits: 5, giveUpMs: 7_000 });
    expect(expectedSynSchedule(2, 0)).toEqual({ retransmits: 2, giveUpMs: 7_000 });
  });
});
