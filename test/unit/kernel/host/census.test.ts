import { describe, expect, it } from 'vitest';
import { censusFromScan, censusFromSs } from '../../../../src/kernel/host/census.js';
import { listenerAtCapacity, listenersFromScan, listenersFromSs } from '../../../../src/kernel/host/listeners.js';
import { countOwners } from '../../../../src/kernel/host/poller.js';
import { ipv6FromHex, ipv4FromHex } from '../../../../src/kernel/host/proc-addr.js';
import { parseSockstat } from '../../../../src/kernel/host/sockstat.js';
import { parseSsRows, splitSsAddr } from '../../../../src/kernel/host/ss-table.js';
import { newTcpScan, scanTcpTable } from '../../../../src/kernel/host/tcp-table.js';
import { fixture, fixtureBuf, ssTanCounts } from './fixtures.js';

const nonZero = (c: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(c).filter(([, v]) => v > 0));
const DETAIL = (1 << 10) | (1 << 8) | (1 << 5) | (1 << 4) | (1 << 9);

describe('scanTcpTable (real /proc/net/tcp + tcp6)', () => {
  const scan = newTcpScan();
  scanTcpTable(fixtureBuf('tcp'), 4, DETAIL, scan);
  scanTcpTable(fixtureBuf('tcp6'), 6, DETAIL, scan);

  it('counts every state like ss -tan, TIME_WAIT included', () => {
    expect(nonZero(censusFromScan(scan))).toEqual(ssTanCounts());
  });

  it('decodes listener rows (addr, port, accept queue, inode)', () => {
    const l = listenersFromScan(scan.rows, new Map());
    expect(l.map((x) => [x.family, x.addr, x.port, x.queue, x.capacity])).toEqual([
      [4, '127.0.0.1', 5555, 0, 0],
      [6, '::1', 5556, 0, 0],
    ]);
    expect(l[0]?.inode).toBeGreaterThan(0);
  });

  it('keeps inodes of CLOSE_WAIT rows and 0 for timewait minisockets', () => {
    const cw = scan.rows.filter((r) => r.state === 8);
    expect(cw).toHaveLength(6);
    expect(cw.every((r) => r.inode > 0 && r.rxQueue === 1)).toBe(true);
    expect(scan.rows.filter((r) => r.state === 5 && r.inode === 0)).toHaveLength(2);
  });

  it('ignores garbage and a header-only table', () => {
    const s = newTcpScan();
    scanTcpTable(Buffer.from('  sl  local\n'), 4, DETAIL, s);
    scanTcpTable(Buffer.from('hdr\nnot a row\n\n'), 4, DETAIL, s);
    expect(s.byState.reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe('census from sock_diag rare states + sockstat (the fast path)', () => {
  const rows = parseSsRows(fixture('ss-rare.txt'));
  const sockstat = parseSockstat(fixture('sockstat6'), parseSockstat(fixture('sockstat')));

  it('equals the full ss -tan census', () => {
    expect(nonZero(censusFromSs(rows, sockstat))).toEqual(ssTanCounts());
  });

  it('tells timewait minisockets from full FIN_WAIT2 sockets', () => {
    const fw2 = rows.filter((r) => r.state === 5);
    expect(fw2.filter((r) => r.mini)).toHaveLength(2);
    expect(fw2.filter((r) => !r.mini && r.inode > 0)).toHaveLength(4);
  });

  it('gives listener capacity (Send-Q) = the backlog passed to listen()', () => {
    const l = listenersFromSs(
      rows,
      new Map([[rows.find((r) => r.state === 10)?.inode ?? 0, { pid: 42, comm: 'python3' }]]),
    );
    expect(l.map((x) => [x.family, x.addr, x.port, x.queue, x.capacity])).toEqual([
      [4, '127.0.0.1', 5555, 0, 7],
      [6, '::1', 5556, 0, 9],
    ]);
    expect(l[0]).toMatchObject({ pid: 42, comm: 'python3' });
  });

  it('never goes negative under churn', () => {
    expect(censusFromSs(rows, {}).ESTABLISHED).toBe(0);
  });
});

describe('addresses', () => {
  it('decodes /proc hex (little-endian words)', () => {
    expect(ipv4FromHex('0100007F')).toBe('127.0.0.1');
    expect(ipv6FromHex('00000000000000000000000001000000')).toBe('::1');
    expect(ipv6FromHex('00000000000000000000000000000000')).toBe('::');
    expect(ipv6FromHex('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(ipv6FromHex('B80D0120000000000000000001000000')).toBe('2001:db8::1');
  });

  it('splits ss local addresses', () => {
    expect(splitSsAddr('*:80')).toEqual({ family: 6, addr: '::', port: 80 });
    expect(splitSsAddr('[::1]:5556')).toEqual({ family: 6, addr: '::1', port: 5556 });
    expect(splitSsAddr('127.0.0.53%lo:53')).toEqual({ family: 4, addr: '127.0.0.53', port: 53 });
    expect(splitSsAddr('nonsense')).toBeUndefined();
  });
});

describe('listenerAtCapacity / countOwners', () => {
  it('is full once queue >= capacity (kernel drops when queue > capacity)', () => {
    expect(listenerAtCapacity({ queue: 6, capacity: 7 })).toBe(false);
    expect(listenerAtCapacity({ queue: 7, capacity: 7 })).toBe(true);
    expect(listenerAtCapacity({ queue: 8, capacity: 7 })).toBe(true);
    expect(listenerAtCapacity({ queue: 3, capacity: 0 })).toBe(false);
  });

  it('counts closing-state sockets per (state, pid), orphans (inode 0) unowned', () => {
    const owners = new Map([
      [11, { pid: 4242, comm: 'python3' }],
      [12, { pid: 4242, comm: 'python3' }],
      [13, { pid: 7, comm: 'nginx' }],
    ]);
    const rows = [
      { state: 8, inode: 11 },
      { state: 8, inode: 12 },
      { state: 5, inode: 13 },
      { state: 8, inode: 0 },
      { state: 1, inode: 13 },
    ];
    expect(countOwners(rows, owners)).toEqual([
      { state: 'CLOSE_WAIT', pid: 4242, comm: 'python3', count: 2 },
      { state: 'FIN_WAIT2', pid: 7, comm: 'nginx', count: 1 },
    ]);
  });
});
