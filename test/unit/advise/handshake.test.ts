// handshake topic: with measured loss the retries go UP (give-up times computed by the same code as tcpscope sysctl);
// a clean path under SYN-queue pressure gets tcp_synack_retries 5 → 2 with "7 s instead of 63 s".
import { describe, expect, it } from 'vitest';
import { adviceContext } from '../../../src/advise/advice.js';
import { ProfileSet } from '../../../src/advise/profile.js';
import { handshake, lossOf, transmissionsFor } from '../../../src/advise/topics/handshake.js';
import { synackSchedule, synSchedule } from '../../../src/diagnose/timelines.js';
import { series } from '../diagnose/factory.js';
import { adviceFor, planOf, truth } from './fixtures.js';

describe('handshake advice', () => {
  it('lossy-handshake server: tcp_synack_retries 1 → more, with both give-up times', () => {
    const t = truth('lossy-handshake');
    const a = adviceFor(planOf('lossy-handshake', 'server'), 'net.ipv4.tcp_synack_retries');
    expect(a).toMatchObject({ action: 'change', current: '1' });
    const proposed = Number(a.proposed);
    expect(proposed).toBeGreaterThan(1);
    expect(a.consequence).toContain(`gives up after ${synackSchedule(proposed).giveUpMs / 1000} s instead of`);
    expect(a.consequence).toContain('gives up after 3 s');
    expect(a.evidence[0]).toContain(`${t.server.counters.TcpExtTCPSynRetrans} SYN-ACK retransmits`);
  });

  it('lossy-handshake client: tcp_syn_retries 1 → more, linear timeouts in the computed give-up', () => {
    const a = adviceFor(planOf('lossy-handshake', 'client'), 'net.ipv4.tcp_syn_retries');
    expect(a).toMatchObject({ action: 'change', current: '1' });
    const s = synSchedule(Number(a.proposed), 4);
    expect(a.consequence).toContain(`fails with ETIMEDOUT after ${s.giveUpMs / 1000} s instead of`);
    expect(a.consequence).toContain('tcp_syn_linear_timeouts=4');
  });

  it('healthy: both kept, with the default give-up times of this kernel', () => {
    const plan = planOf('healthy', 'server');
    expect(adviceFor(plan, 'net.ipv4.tcp_synack_retries')).toMatchObject({ action: 'keep', current: '5' });
    expect(adviceFor(plan, 'net.ipv4.tcp_synack_retries').consequence).toContain('gives up after 63 s');
    expect(adviceFor(plan, 'net.ipv4.tcp_syn_retries').consequence).toContain('after 2 min 11 s');
  });

  it('clean path under SYN-queue pressure (no accept overflow): 5 → 2, 7 s instead of 63 s, 9× shorter', () => {
    const set = new ProfileSet();
    for (const s of series(4, (i) => ({
      counters: {
        TcpPassiveOpens: 100,
        TcpExtTCPReqQFullDoCookies: i === 2 ? 500 : 0,
        TcpExtSyncookiesSent: i === 2 ? 500 : 0,
      },
      states: { SYN_RECV: 64 },
    })))
      set.add(s);
    const a = handshake(adviceContext(set.build()[0]!)).find((x) => x.setting === 'net.ipv4.tcp_synack_retries');
    expect(a).toMatchObject({ action: 'change', current: '5', proposed: '2' });
    expect(a!.consequence).toContain('gives up after 7 s instead of 63 s');
    expect(a!.consequence).toContain('9× shorter');
  });

  it('loss model: a handshake fails only when every transmission is lost', () => {
    expect(lossOf(30, 70)).toBeCloseTo(0.3);
    expect(transmissionsFor(0.3)).toBe(6); // 0.3^6 = 0.07 % ≤ 0.1 %
    expect(transmissionsFor(0)).toBe(1);
  });
});
