// accept-queue topic: the bursty server gets a bigger listen() backlog AND somaxconn (its capacity equals somaxconn),
// a healthy one keeps both; an app-capped backlog under a large somaxconn changes only the app side.
import { describe, expect, it } from 'vitest';
import { adviceContext } from '../../../src/advise/advice.js';
import { ProfileSet } from '../../../src/advise/profile.js';
import { acceptQueue } from '../../../src/advise/topics/accept-queue.js';
import { listener, series } from '../diagnose/factory.js';
import { adviceFor, planOf, truth } from './fixtures.js';

describe('accept-queue advice', () => {
  it('backlog-burst: listen() backlog 16 → 256 and somaxconn 16 → 4096, with the measured overflows', () => {
    const plan = planOf('backlog-burst', 'server');
    const overflows = truth('backlog-burst').server.counters.TcpExtListenOverflows;
    const backlog = plan.advice.find((a) => a.kind === 'app');
    expect(backlog).toMatchObject({ setting: 'listen() backlog', action: 'change', current: '16' });
    expect(Number(backlog!.proposed)).toBeGreaterThanOrEqual(128);
    expect(backlog!.evidence.join(' ')).toContain(`${overflows} accept-queue overflows`);
    expect(backlog!.consequence).toMatch(/somaxconn must rise too/);
    expect(backlog!.consequence).toMatch(/restart/);
    const som = adviceFor(plan, 'net.core.somaxconn');
    expect(som).toMatchObject({ action: 'change', current: '16', proposed: '4096' });
    expect(adviceFor(plan, 'net.ipv4.tcp_abort_on_overflow').action).toBe('keep');
  });

  it('healthy: no busy listener, somaxconn kept', () => {
    const plan = planOf('healthy', 'server');
    expect(plan.advice.filter((a) => a.kind === 'app')).toEqual([]);
    expect(adviceFor(plan, 'net.core.somaxconn')).toMatchObject({ action: 'keep', current: '4096' });
  });

  it('capacity below somaxconn: only the app backlog changes (somaxconn already allows it)', () => {
    const set = new ProfileSet();
    for (const s of series(5, (i) => ({
      counters: { TcpExtListenOverflows: i === 2 ? 30 : 0 },
      listeners: [listener({ capacity: 128, queue: i === 2 ? 129 : 3, atCapacity: i === 2 })],
    })))
      set.add(s);
    const advice = acceptQueue(adviceContext(set.build()[0]!));
    expect(advice.find((a) => a.kind === 'app')).toMatchObject({ action: 'change', current: '128', proposed: '512' });
    expect(advice.find((a) => a.setting === 'net.core.somaxconn')).toMatchObject({ action: 'keep' });
  });

  it('tcp_abort_on_overflow=1 with overflows → 0, naming the resets it caused', () => {
    const set = new ProfileSet();
    for (const s of series(3, (i) => ({
      sysctls: { 'net.ipv4.tcp_abort_on_overflow': '1' },
      counters: { TcpExtListenOverflows: i === 1 ? 4 : 0 },
      listeners: [listener({ capacity: 8, queue: 9, atCapacity: i === 1 })],
    })))
      set.add(s);
    const a = acceptQueue(adviceContext(set.build()[0]!)).find((x) => x.setting === 'net.ipv4.tcp_abort_on_overflow');
    expect(a).toMatchObject({ action: 'change', current: '1', proposed: '0' });
    expect(a!.consequence).toMatch(/ECONNRESET/);
  });
});
