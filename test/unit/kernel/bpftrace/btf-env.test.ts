// BPFTRACE_BTF is set only where bpftrace 0.17 misses the vmlinux BTF on its own (no module BTF: 5.10), never over
// the user's own value, and never where module BTF exists (it would hide the modules' types).
import { describe, expect, it } from 'vitest';
import { bpftraceBtfEnv } from '../../../../src/kernel/bpftrace/btf-env.js';

describe('bpftraceBtfEnv', () => {
  it('points bpftrace at /sys/kernel/btf/vmlinux when it is the only BTF (Debian 5.10, this 6.18 VM)', () => {
    expect(bpftraceBtfEnv({}, () => ['vmlinux'])).toEqual({ BPFTRACE_BTF: '/sys/kernel/btf/vmlinux' });
  });
  it('leaves bpftrace alone when modules have BTF of their own (5.11+ distribution kernels)', () => {
    expect(bpftraceBtfEnv({}, () => ['vmlinux', 'nf_conntrack', 'ipv6'])).toEqual({});
  });
  it('keeps the user BPFTRACE_BTF, and sets nothing without BTF', () => {
    expect(bpftraceBtfEnv({ BPFTRACE_BTF: '/x' }, () => ['vmlinux'])).toEqual({});
    expect(bpftraceBtfEnv({}, () => undefined)).toEqual({});
    expect(bpftraceBtfEnv({}, () => [])).toEqual({});
  });
});
