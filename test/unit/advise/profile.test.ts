// The profile fold: on real lab snapshots its totals and peaks equal the kernel's own counters (the scenario's ground
// truth); synthetic snapshots check the per-netns split, the 60 s window, procfs attribution and optional latency.
import { describe, expect, it } from 'vitest';
import { ProfileSet } from '../../../src/advise/profile.js';
import { snap } from '../diagnose/factory.js';
import { profileOf, snapshots, truth } from './fixtures.js';

describe('profile fold on recorded lab runs', () => {
  it("port-exhaustion (client): TIME_WAIT peak and connects equal the kernel's", () => {
    const t = truth('port-exhaustion');
    const p = profileOf(snapshots('port-exhaustion', 'client'));
    expect(p.peaks.timeWait).toBe(t.measured.clientTimeWait);
    expect(p.peaks.timeWait).toBe(64);
    expect(p.totals.activeOpens).toBe(t.client.counters.TcpActiveOpens);
    expect(p.sysctls['net.ipv4.ip_local_port_range']).toBe('40000 40063');
    expect(p.peaks.activeOpensPer60s).toBe(t.client.counters.TcpActiveOpens);
  });

  it('backlog-burst (server): overflows equal ListenOverflows, listener capacity equals ss Send-Q', () => {
    const t = truth('backlog-burst');
    const p = profileOf(snapshots('backlog-burst', 'server'));
    expect(p.totals.listenOverflows).toBe(t.server.counters.TcpExtListenOverflows);
    expect(p.totals.listenOverflows).toBeGreaterThan(0);
    const l = p.listeners.find((x) => x.port === 8080);
    expect(l?.capacity).toBe(t.measured.acceptCapacity);
    expect(l?.intervalsAtCapacity).toBeGreaterThan(0);
    expect(p.peaks.listenOverflowsPerInterval).toBeGreaterThan(0);
  });

  it('lossy-handshake: SYN-ACK (server) and SYN (client) retransmits equal TCPSynRetrans of each netns', () => {
    const t = truth('lossy-handshake');
    const server = profileOf(snapshots('lossy-handshake', 'server'));
    const client = profileOf(snapshots('lossy-handshake', 'client'));
    expect(server.totals.synackRetrans).toBe(t.server.counters.TcpExtTCPSynRetrans);
    expect(server.totals.synackRetrans).toBeGreaterThan(0);
    expect(server.totals.passiveOpens).toBe(t.server.counters.TcpPassiveOpens);
    expect(client.totals.synRetrans).toBe(t.client.counters.TcpExtTCPSynRetrans);
    expect(client.totals.activeOpens).toBe(t.client.counters.TcpActiveOpens);
  });

  it('healthy: accepted connections equal PassiveOpens, nothing overflowed', () => {
    const t = truth('healthy');
    const p = profileOf(snapshots('healthy', 'server'));
    expect(p.totals.passiveOpens).toBe(t.server.counters.TcpPassiveOpens);
    expect(p.totals.listenOverflows + p.totals.synackRetrans + p.totals.timeWaitOverflow).toBe(0);
  });
});

describe('profile fold (synthetic)', () => {
  it('one profile per netns inode', () => {
    const set = new ProfileSet();
    set.add(snap({ seq: 0, netnsName: 'a' }));
    const b = snap({ seq: 0, netnsName: 'b' });
    b.netns = { inode: 42, name: 'b' };
    set.add(b);
    expect(
      set
        .build()
        .map((p) => p.netns.name)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('active opens per 60 s window: the busiest minute, not the total', () => {
    const set = new ProfileSet();
    for (let i = 0; i < 120; i++) set.add(snap({ seq: i, counters: { TcpActiveOpens: i < 60 ? 1 : 3 } }));
    const [p] = set.build();
    expect(p!.totals.activeOpens).toBe(60 + 180);
    expect(p!.peaks.activeOpensPer60s).toBe(180);
    expect(p!.peaks.activeOpensPerS).toBe(3);
  });

  it('procfs mode: TCPSynRetrans goes to SYN-ACKs while requests are pending, else to SYNs', () => {
    const set = new ProfileSet();
    set.add(snap({ seq: 0, mode: 'procfs', counters: { TcpExtTCPSynRetrans: 4 }, states: { SYN_RECV: 2 } }));
    set.add(snap({ seq: 1, mode: 'procfs', counters: { TcpExtTCPSynRetrans: 3 } }));
    const [p] = set.build();
    expect(p!.totals.synackRetrans).toBe(4);
    expect(p!.totals.synRetrans).toBe(3);
  });

  it('connect latency is optional: absent → undefined, present → worst interval kept', () => {
    const set = new ProfileSet();
    set.add(snap({ seq: 0 }));
    expect(set.build()[0]!.connectLatency).toBeUndefined();
    const a = snap({ seq: 1 }) as ReturnType<typeof snap> & { connectLatency?: unknown };
    a.connectLatency = { count: 10, p50Ms: 1, p99Ms: 40, maxMs: 41 };
    const b = snap({ seq: 2 }) as ReturnType<typeof snap> & { connectLatency?: unknown };
    b.connectLatency = { count: 5, p50Ms: 2, p99Ms: 12, maxMs: 13 };
    set.add(a);
    set.add(b);
    expect(set.build()[0]!.connectLatency).toEqual({ count: 15, p50Ms: 2, p99Ms: 40, maxMs: 41 });
  });
});
