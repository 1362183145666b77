// syn-queue topic: tcp_max_syn_backlog is kept for an accept-queue overflow (it cannot fix it), raised only for SYN-queue
// drops with syncookies=0; syncookies 0 → 1.
import { describe, expect, it } from 'vitest';
import { adviceContext } from '../../../src/advise/advice.js';
import { ProfileSet } from '../../../src/advise/profile.js';
import { synQueue } from '../../../src/advise/topics/syn-queue.js';
import { series } from '../diagnose/factory.js';
import { adviceFor, planOf } from './fixtures.js';

describe('syn-queue advice', () => {
  it('backlog-burst: tcp_max_syn_backlog kept, saying it does nothing for the overflows', () => {
    const a = adviceFor(planOf('backlog-burst', 'server'), 'net.ipv4.tcp_max_syn_backlog');
    expect(a.action).toBe('keep');
    expect(a.evidence.join(' ')).toMatch(/accept-queue overflows: tcp_max_syn_backlog has no effect/);
    expect(a.consequence).toMatch(/no effect while tcp_syncookies=1/);
  });

  it('syncookies=0 with SYN-queue drops: raise tcp_max_syn_backlog and turn cookies on', () => {
    const set = new ProfileSet();
    for (const s of series(3, (i) => ({
      sysctls: { 'net.ipv4.tcp_syncookies': '0', 'net.ipv4.tcp_max_syn_backlog': '256' },
      counters: { TcpExtTCPReqQFullDrop: i === 1 ? 50 : 0, TcpExtListenDrops: i === 1 ? 50 : 0 },
      states: { SYN_RECV: 190 },
    })))
      set.add(s);
    const advice = synQueue(adviceContext(set.build()[0]!));
    const msb = advice.find((a) => a.setting === 'net.ipv4.tcp_max_syn_backlog');
    expect(msb).toMatchObject({ action: 'change', current: '256', proposed: '512' });
    expect(msb!.consequence).toContain('past 384 pending requests per listener instead of 192');
    expect(advice.find((a) => a.setting === 'net.ipv4.tcp_syncookies')).toMatchObject({
      action: 'change',
      current: '0',
      proposed: '1',
    });
  });
});
