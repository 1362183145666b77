import { describe, expect, it } from 'vitest';
import { counterDeltas } from '../../../../src/kernel/host/counter-deltas.js';
import { parseNetnsSpec, isValidNetnsName } from '../../../../src/kernel/netns/spec.js';
import { inodeFromNsLink } from '../../../../src/kernel/netns/scan.js';
import { diffSysctls } from '../../../../src/kernel/sysctl/diff.js';
import { parseGrepH } from '../../../../src/kernel/sysctl/read.js';
import { SYSCTLS, sysctlName, sysctlPath } from '../../../../src/kernel/sysctl/catalog.js';
import { fixture } from './fixtures.js';

describe('counterDeltas', () => {
  it('subtracts, omits keys without a baseline', () => {
    expect(counterDeltas({ a: 5, b: 1 }, { a: 9, b: 1, c: 100 })).toEqual({ a: 4, b: 0 });
  });
  it('treats a decrease as a reset (delta = new value)', () => {
    expect(counterDeltas({ TcpActiveOpens: 90_000 }, { TcpActiveOpens: 12 })).toEqual({ TcpActiveOpens: 12 });
  });
  it('unwraps a 32-bit counter', () => {
    expect(counterDeltas({ x: 2 ** 32 - 10 }, { x: 5 })).toEqual({ x: 15 });
  });
  it('leaves unchanged counters out with nonZero (what a Snapshot carries)', () => {
    expect(counterDeltas({ a: 5, b: 1 }, { a: 9, b: 1, c: 100 }, { nonZero: true })).toEqual({ a: 4 });
  });
  it('does not mistake a large 64-bit reset for a wrap', () => {
    expect(counterDeltas({ x: 2 ** 40 }, { x: 3 })).toEqual({ x: 3 });
  });
});

describe('diffSysctls', () => {
  it('reports changed, appeared and vanished values, sorted', () => {
    const prev = { 'net.ipv4.tcp_synack_retries': '5', 'net.core.somaxconn': '4096', 'net.ipv4.tcp_fin_timeout': '60' };
    const cur = { 'net.ipv4.tcp_synack_retries': '2', 'net.core.somaxconn': '4096', 'net.ipv4.tcp_tw_reuse': '1' };
    expect(diffSysctls(prev, cur, 1000)).toEqual([
      { name: 'net.ipv4.tcp_fin_timeout', old: '60', new: undefined, t: 1000 },
      { name: 'net.ipv4.tcp_synack_retries', old: '5', new: '2', t: 1000 },
      { name: 'net.ipv4.tcp_tw_reuse', old: undefined, new: '1', t: 1000 },
    ]);
    expect(diffSysctls(cur, { ...cur }, 5)).toEqual([]);
  });
});

describe('sysctl catalog and grep -H output (real, from a child netns)', () => {
  it('parses path:value, normalises tabs, misses absent ones', () => {
    const v = parseGrepH(fixture('sysctl-grep.txt'));
    expect(v).toEqual({
      'net.ipv4.tcp_syn_retries': '6',
      'net.ipv4.ip_local_port_range': '32768 60999',
      'net.core.somaxconn': '4096',
    });
  });
  it('covers the sysctls the diagnosis needs, with path round-trip', () => {
    const names = SYSCTLS.map((s) => s.name);
    for (const n of [
      'net.ipv4.tcp_syn_retries',
      'net.core.somaxconn',
      'net.ipv4.tcp_tw_recycle',
      'net.ipv4.tcp_mem',
      'net.ipv4.tcp_syn_linear_timeouts',
    ]) {
      expect(names).toContain(n);
    }
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(sysctlName(sysctlPath(n))).toBe(n);
    expect(SYSCTLS.find((s) => s.name === 'net.ipv4.tcp_tw_recycle')?.optional?.removedIn).toBe('4.12');
  });
});

describe('parseNetnsSpec', () => {
  it('classifies names, paths, numbers and net:[inode]', () => {
    expect(parseNetnsSpec(undefined)).toEqual({ kind: 'self' });
    expect(parseNetnsSpec('self')).toEqual({ kind: 'self' });
    expect(parseNetnsSpec('tslab-1-s')).toEqual({ kind: 'name', name: 'tslab-1-s' });
    expect(parseNetnsSpec('/run/netns/x')).toEqual({ kind: 'path', path: '/run/netns/x' });
    expect(parseNetnsSpec('4242')).toEqual({ kind: 'number', n: 4242 });
    expect(parseNetnsSpec('net:[4026531840]')).toEqual({ kind: 'inode', inode: 4026531840 });
  });
  it('rejects what cannot be a netns', () => {
    expect(parseNetnsSpec('0')).toBeUndefined();
    expect(parseNetnsSpec('..')).toBeUndefined();
    expect(isValidNetnsName('a/b')).toBe(false);
    expect(inodeFromNsLink('mnt:[1]')).toBeUndefined();
    expect(inodeFromNsLink('net:[4026531840]')).toBe(4026531840);
  });
});
