import { describe, expect, it } from 'vitest';
import { parseSnmp6, parseSnmpPairs } from '../../../../src/kernel/host/counters.js';
import { parseSockstat } from '../../../../src/kernel/host/sockstat.js';
import { fixture } from './fixtures.js';

describe('parseSnmpPairs (real /proc/net/netstat + snmp)', () => {
  const c = parseSnmpPairs(fixture('snmp'), parseSnmpPairs(fixture('netstat')));

  it('names counters like nstat', () => {
    expect(c.TcpActiveOpens).toBe(20);
    expect(c.TcpCurrEstab).toBe(22);
    expect(c.TcpMaxConn).toBe(-1);
    expect(c.TcpExtTW).toBe(8);
    expect(c.TcpExtListenOverflows).toBe(0);
    expect(c.IpExtInOctets).toBe(4796);
    expect(c.UdpInDatagrams).toBe(0);
  });

  it('keeps every counter of every section of both files', () => {
    let n = 0;
    for (const file of ['netstat', 'snmp']) {
      const lines = fixture(file).split('\n');
      for (let i = 0; i + 1 < lines.length; i += 2) {
        const [prefix, ...names] = (lines[i] ?? '').split(/\s+/).filter(Boolean);
        for (const name of names) {
          expect(c[`${prefix?.slice(0, -1)}${name}`], `${prefix}${name}`).toBeTypeOf('number');
          n++;
        }
      }
    }
    expect(Object.keys(c)).toHaveLength(n);
    expect(n).toBeGreaterThan(300);
  });

  it('skips a header without its value line', () => {
    expect(parseSnmpPairs('Tcp: A B\nUdp: X\nUdp: 5\n')).toEqual({ UdpX: 5 });
  });
});

describe('parseSnmp6', () => {
  it('reads name/value lines', () => {
    const c = parseSnmp6(fixture('snmp6'));
    expect(c.Ip6InReceives).toBe(9);
    expect(Object.keys(c).length).toBeGreaterThan(80);
  });
});

describe('parseSockstat (real sockstat + sockstat6)', () => {
  it('builds PROTO.field keys', () => {
    const s = parseSockstat(fixture('sockstat6'), parseSockstat(fixture('sockstat')));
    expect(s).toMatchObject({
      'TCP.inuse': 21,
      'TCP.orphan': 6,
      'TCP.tw': 8,
      'TCP.alloc': 35,
      'TCP.mem': 0,
      'TCP6.inuse': 7,
      'sockets.used': 28,
    });
    expect(s['FRAG.memory']).toBe(0);
  });
});
