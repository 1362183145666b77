// Host layer through the live product: a sysctl changed in the watched lab netns while `tcpscope watch` runs shows up
// exactly once in the snapshot stream as old -> new (counter deltas vs the lab are in watch-scenarios.test.ts).
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { createTopology } from '../../scripts/lab/index.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { assertNothingLeft, killLeftovers, startWatch, trackNetns } from './helpers.js';

describe('tcpscope watch sees sysctl changes in the watched netns', () => {
  afterAll(async () => {
    killLeftovers();
    await assertNothingLeft();
  }, 30_000);

  it('ip netns exec NS sysctl -w net.ipv4.tcp_fin_timeout=7 mid-run -> one sysctlChanges entry old -> new', async () => {
    await requireKernelTracing();
    await requireLab();
    const topo = await createTopology();
    trackNetns(topo.server.name, topo.client.name);
    try {
      const old = (
        await execa('ip', ['netns', 'exec', topo.server.name, 'sysctl', '-n', 'net.ipv4.tcp_fin_timeout'])
      ).stdout.trim();
      const host = (await execa('sysctl', ['-n', 'net.ipv4.tcp_fin_timeout'])).stdout.trim();
      expect(old).not.toBe('7');
      const run = startWatch(topo.server.name);
      await run.attached;
      await run.moreSnapshots(1);
      await execa('ip', ['netns', 'exec', topo.server.name, 'sysctl', '-qw', 'net.ipv4.tcp_fin_timeout=7']);
      await run.moreSnapshots(3);
      expect(await run.stop()).toBe(130);
      const changes = run.snapshots.flatMap((s) => s.sysctlChanges.map((c) => ({ seq: s.seq, ...c })));
      console.log(`sysctl change: ${JSON.stringify(changes)} (host value ${host})`);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ name: 'net.ipv4.tcp_fin_timeout', old, new: '7' });
      const at = run.snapshots.findIndex((s) => s.seq === changes[0]!.seq);
      expect(run.snapshots[at - 1]?.sysctls['net.ipv4.tcp_fin_timeout']).toBe(old);
      for (const s of run.snapshots.slice(at)) expect(s.sysctls['net.ipv4.tcp_fin_timeout']).toBe('7');
      // Only the lab netns changed.
      expect((await execa('sysctl', ['-n', 'net.ipv4.tcp_fin_timeout'])).stdout.trim()).toBe(host);
    } finally {
      await topo.destroy();
    }
  }, 90_000);
});
