// Rule sysctl-drift on synthetic snapshots: silent without a host reference or when equal; names both values where the
// difference matters (listeners for somaxconn), escalates when the netns overflows now, targets the netns in advice.
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../../../src/diagnose/context.js';
import { sysctlDrift } from '../../../../src/diagnose/rules/sysctl-drift.js';
import { DEFAULT_SYSCTLS, listener, snap } from '../factory.js';

const hostTuned = { ...DEFAULT_SYSCTLS, 'net.core.somaxconn': '1000', 'net.ipv4.tcp_fin_timeout': '33' };

describe('sysctl-drift', () => {
  it('is silent in single-netns mode (no reference) and when the netns matches the host', () => {
    const s = snap({ netnsName: 'web1', listeners: [listener()], states: { LISTEN: 1, ESTABLISHED: 2 } });
    expect(sysctlDrift.evaluate(makeContext(s, [s]))).toBeUndefined();
    expect(sysctlDrift.evaluate(makeContext(s, [s], { ...DEFAULT_SYSCTLS }))).toBeUndefined();
  });

  it('ignores a difference that does not matter there (somaxconn in a netns without listeners)', () => {
    const s = snap({ netnsName: 'cli', states: {} });
    expect(sysctlDrift.evaluate(makeContext(s, [s], hostTuned))).toBeUndefined();
  });

  it('names both values and gives the command for that netns', () => {
    const s = snap({ netnsName: 'web1', listeners: [listener()], states: { LISTEN: 1, ESTABLISHED: 2 } });
    const f = sysctlDrift.evaluate(makeContext(s, [s], hostTuned));
    expect(f?.severity).toBe('info');
    expect(f?.title).toBe(
      'sysctls differ from the host: somaxconn 4096 here vs 1000 on the host, tcp_fin_timeout 60 here vs 33 on the host',
    );
    expect(f?.evidence).toMatchObject({ drifted: 2, 'net.core.somaxconn': '4096 (host 1000)' });
    expect(f?.advice).toContain('ip netns exec web1 sysctl -w net.core.somaxconn=1000');
    expect(f?.advice).toContain('ip netns exec web1 sysctl -w net.ipv4.tcp_fin_timeout=33');
    expect(f?.explanation).toContain("starts at the kernel's defaults");
  });

  it('is a warning when the drifted setting hurts now (accept-queue overflows with a different somaxconn)', () => {
    const s = snap({
      netnsName: 'web1',
      listeners: [listener()],
      states: { LISTEN: 1 },
      counters: { TcpExtListenOverflows: 3 },
    });
    expect(sysctlDrift.evaluate(makeContext(s, [s], hostTuned))?.severity).toBe('warning');
  });
});
