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

  it('reads a file whose lines moved (another kernel) after its names were cached by position', () => {
    const text = fixture('snmp6');
    const first = parseSnmp6(text);
    const reordered = text.split('\n').reverse().join('\n');
    expect(parseSnmp6(reordered)).toEqual(first);
    expect(parseSnmp6('Ip6InReceives 5\nIp6InReceivesX 7\nBad line here\nIp6OutRequests -2 \nIp6Junk 1x\n')).toEqual({
      Ip6InReceives: 5,
      Ip6InReceivesX: 7,
      Ip6OutRequests: -2,
    });
  });
});

describe('the cached fast parse equals a plain split parse', () => {
  const reference = (text: string): Record<string, number> => {
    const out: Record<string, number> = {};
    const lines = text.split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const [p, ...names] = (lines[i] ?? '').trim().split(/\s+/);
      const [, ...vals] = (lines[i + 1] ?? '').trim().split(/\s+/);
      names.forEach((n, k) => {
        const v = Number(vals[k]);
        if (Number.isFinite(v)) out[`${p?.slice(0, -1)}${n}`] = v;
      });
    }
    return out;
  };
  it('on real files, twice (the second parse uses the cached names), and on odd values', () => {
    for (const f of ['netstat', 'snmp']) {
      expect(parseSnmpPairs(fixture(f)), f).toEqual(reference(fixture(f)));
      expect(parseSnmpPairs(fixture(f)), f).toEqual(reference(fixture(f)));
    }
    const odd = 'Tcp: A B C D E F\nTcp: -1 18446744073709551615 0x10 7 junk 12345678901234567\n';
    expect(parseSnmpPairs(odd)).toEqual(reference(odd));
    expect(parseSnmpPairs(odd).TcpB).toBe(Number('18446744073709551615'));
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
