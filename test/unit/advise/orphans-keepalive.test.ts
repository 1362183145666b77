// orphans and keepalive topics: kept on healthy workloads with the computed times (0 means 8 retries; 2 h 11 min 15 s
// keepalive detection); orphan pressure raises tcp_max_orphans (host-wide).
import { describe, expect, it } from 'vitest';
import { adviceContext } from '../../../src/advise/advice.js';
import { ProfileSet } from '../../../src/advise/profile.js';
import { orphans } from '../../../src/advise/topics/orphans.js';
import { series } from '../diagnose/factory.js';
import { adviceFor, planOf } from './fixtures.js';

describe('orphans and keepalive advice', () => {
  it('healthy: fin_timeout, orphans and keepalive kept with their computed meaning', () => {
    const plan = planOf('healthy', 'server');
    expect(adviceFor(plan, 'net.ipv4.tcp_fin_timeout').consequence).toMatch(/does NOT shorten TIME_WAIT/);
    expect(adviceFor(plan, 'net.ipv4.tcp_orphan_retries').consequence).toContain(
      'retransmit 8 times before being killed (0 means 8)',
    );
    expect(adviceFor(plan, 'net.ipv4.tcp_keepalive_time').consequence).toContain('2 h 11 min 15 s');
    expect(adviceFor(plan, 'net.ipv4.tcp_max_orphans')).toMatchObject({ action: 'keep', scope: 'host' });
  });

  it('orphans past half of tcp_max_orphans with resets: raise it (host-wide) and shorten orphan retries', () => {
    const set = new ProfileSet();
    for (const s of series(3, (i) => ({
      sysctls: { 'net.ipv4.tcp_max_orphans': '1000' },
      sockstat: { 'TCP.orphan': 900 },
      counters: { TcpExtTCPAbortOnMemory: i === 2 ? 7 : 0 },
    })))
      set.add(s);
    const advice = orphans(adviceContext(set.build()[0]!));
    expect(advice.find((a) => a.setting === 'net.ipv4.tcp_max_orphans')).toMatchObject({
      action: 'change',
      proposed: '2000',
      scope: 'host',
    });
    expect(advice.find((a) => a.setting === 'net.ipv4.tcp_orphan_retries')).toMatchObject({
      action: 'change',
      current: '0',
      proposed: '3',
    });
  });
});
