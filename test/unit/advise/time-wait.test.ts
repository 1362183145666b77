// time-wait topic: the narrow-port-range client gets the range and tcp_tw_reuse=1 with numbers; TIME_WAIT of accepted
// connections never gets tw_reuse; a TIME_WAIT table overflow raises tcp_max_tw_buckets.
import { describe, expect, it } from 'vitest';
import { adviceContext } from '../../../src/advise/advice.js';
import { ProfileSet } from '../../../src/advise/profile.js';
import { timeWait } from '../../../src/advise/topics/time-wait.js';
import { series } from '../diagnose/factory.js';
import { adviceFor, planOf, truth } from './fixtures.js';

describe('time-wait advice', () => {
  it('port-exhaustion client: port range and tcp_tw_reuse change, with the measured TIME_WAIT and port count', () => {
    const t = truth('port-exhaustion');
    const plan = planOf('port-exhaustion', 'client');
    const range = adviceFor(plan, 'net.ipv4.ip_local_port_range');
    expect(range).toMatchObject({ action: 'change', current: '40000 40063', proposed: '32768 60999' });
    expect(range.evidence[0]).toBe(`peak TIME_WAIT ${t.measured.clientTimeWait} = 100 % of the 64 ephemeral ports`);
    expect(range.evidence.join(' ')).toContain('EADDRNOTAVAIL');
    expect(range.consequence).toContain('28232 ports per destination instead of 64');
    const reuse = adviceFor(plan, 'net.ipv4.tcp_tw_reuse');
    expect(reuse).toMatchObject({ action: 'change', current: '2', proposed: '1' });
    expect(reuse.consequence).toMatch(/OUTGOING/);
    expect(adviceFor(plan, 'net.ipv4.tcp_max_tw_buckets').action).toBe('keep');
  });

  it('healthy: nothing changes', () => {
    const plan = planOf('healthy', 'server');
    for (const s of ['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_max_tw_buckets'])
      expect(adviceFor(plan, s).action).toBe('keep');
  });

  it('TIME_WAIT from accepted connections only: tw_reuse kept, saying it would not help', () => {
    const set = new ProfileSet();
    for (const s of series(3, () => ({
      counters: { TcpPassiveOpens: 500 },
      states: { TIME_WAIT: 30000 },
      sysctls: { 'net.ipv4.ip_local_port_range': '40000 40063' },
    })))
      set.add(s);
    const reuse = timeWait(adviceContext(set.build()[0]!)).find((a) => a.setting === 'net.ipv4.tcp_tw_reuse');
    expect(reuse).toMatchObject({ action: 'keep' });
    expect(reuse!.consequence).toMatch(/outgoing connects only/);
  });

  it('TIME_WAIT table overflow: tcp_max_tw_buckets raised', () => {
    const set = new ProfileSet();
    for (const s of series(3, (i) => ({
      sysctls: { 'net.ipv4.tcp_max_tw_buckets': '1000' },
      counters: { TcpExtTCPTimeWaitOverflow: i === 1 ? 200 : 0 },
      states: { TIME_WAIT: 1000 },
    })))
      set.add(s);
    const a = timeWait(adviceContext(set.build()[0]!)).find((x) => x.setting === 'net.ipv4.tcp_max_tw_buckets');
    expect(a).toMatchObject({ action: 'change', current: '1000', proposed: '4096' });
  });
});
