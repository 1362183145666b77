// A quiet netns must stay quiet: 30 s of `tcpscope watch` on a lab netns without traffic raises no finding, no note,
// no gap, and no TCP counter moves (a tool that cries wolf is worse than none).
import { afterAll, describe, expect, it } from 'vitest';
import { createTopology } from '../../scripts/lab/index.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { assertNothingLeft, killLeftovers, startWatch, trackNetns } from './helpers.js';

describe('tcpscope watch on a quiet lab netns', () => {
  afterAll(async () => {
    killLeftovers();
    await assertNothingLeft();
  }, 30_000);

  it('30 s, 1 s interval: no finding, no note, no gap, no counter moves, no probe event', async () => {
    await requireKernelTracing();
    await requireLab();
    const topo = await createTopology();
    trackNetns(topo.server.name, topo.client.name);
    try {
      const run = startWatch(topo.server.name, ['--interval', '1s', '--duration', '30s']);
      const r = await run.child;
      const snaps = run.snapshots;
      console.log(
        `quiet: ${snaps.length} snapshots, exit ${String(r.exitCode)}, stderr ${JSON.stringify(run.stderr())}`,
      );
      expect(r.exitCode).toBe(0);
      expect(run.stderr()).toMatch(/^tcpscope: eBPF probes attached \(\d+ probes\)\n$/);
      expect(snaps.length).toBeGreaterThanOrEqual(25);
      expect(snaps.length).toBeLessThanOrEqual(32);
      for (const s of snaps) {
        expect(s.mode).toBe('ebpf');
        expect(s.netns.inode).toBe(topo.server.inode);
        expect(s.findings, `snapshot ${s.seq}`).toEqual([]);
        expect(s.notes).toEqual([]);
        expect(s.gaps).toEqual([]);
        expect(s.sysctlChanges).toEqual([]);
        // TCP is silent (IPv6 neighbour discovery / MLD on the fresh veth may move Ip6/Icmp6 counters: not TCP's business).
        expect(Object.keys(s.counters).filter((k) => k.startsWith('Tcp'))).toEqual([]);
        expect(s.transitions).toEqual({});
        expect(
          s.events.synackRetrans + s.events.synRetrans + s.events.resetsSent + s.events.resetsReceived + s.events.drops,
        ).toBe(0);
        expect(s.events.lost).toBe(0);
      }
    } finally {
      await topo.destroy();
    }
  }, 90_000);
});
