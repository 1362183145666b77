// Alerts on a real accept-queue overflow (lab scenario): the rules fire in the server netns, live == replayed.
import { describe, expect, it } from 'vitest';
import { filter, firstValueFrom, timeout, type Subscription } from 'rxjs';
import { runScenario } from '../../scripts/lab/index.js';
import { startSession } from '../../src/session/live.js';
import type { LiveSession } from '../../src/model/session.js';
import { isTickLine } from '../../src/kernel/probes/decode.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { alerts, createAlertEngine, parseAlertFlag, type AlertEvent } from '../../src/alert/index.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('alerts on the accept-overflow lab scenario', () => {
  it('fires overflow and SYN-ACK retransmit alerts, and a replay of the snapshots gives the same events', async () => {
    await requireLab();
    await requireKernelTracing();
    const rules = [
      parseAlertFlag('overflow: TcpExtListenOverflows > 0'),
      parseAlertFlag('overflow-rate: rate(TcpExtListenOverflows[5s]) > 0.1/s'),
      parseAlertFlag('synack: events.synackRetrans > 0'),
      parseAlertFlag('queue-full: listeners.maxFill{port="8080"} > 1'),
    ];
    let session: LiveSession | undefined;
    let sub: Subscription | undefined;
    const snaps: Snapshot[] = [];
    const live: AlertEvent[] = [];
    try {
      const truth = await runScenario('accept-overflow', {
        beforeTraffic: async (topo) => {
          session = await startSession({ netns: topo.server.name, intervalMs: 500 });
          const s = session;
          sub = s.snapshots$.subscribe((x) => snaps.push(x));
          sub.add(s.snapshots$.pipe(alerts(rules)).subscribe((e) => live.push(e)));
          // Traffic only once bpftrace is attached and ticking (snapshots start earlier, from procfs polls).
          await firstValueFrom(
            s.inputs$.pipe(
              filter((i) => i.kind === 'probe' && isTickLine(i.line)),
              timeout(30_000),
            ),
          );
        },
        afterTraffic: async () => {
          await sleep(1500);
          await session!.stop();
        },
      });
      expect(session!.info.mode).toBe('ebpf');
      const names = new Set(live.filter((e) => e.state === 'firing').map((e) => e.name));
      const log = snaps.map(
        (x) =>
          `${x.seq} ovf=${x.counters.TcpExtListenOverflows ?? 0} ebpf=${x.events.synackRetrans} L=${x.census.listeners.map((l) => `${l.port}:${l.queue}/${l.capacity}`).join(',')}`,
      );
      expect([...names].sort(), log.join('\n')).toEqual(['overflow', 'overflow-rate', 'queue-full', 'synack']);
      for (const e of live) expect(e.netns.inode).toBe(truth.server.inode);
      // Every overflow the kernel counted in the server netns is in the snapshot deltas the rules saw.
      const seen = snaps.reduce((t, s) => t + (s.counters.TcpExtListenOverflows ?? 0), 0);
      expect(seen).toBe(truth.server.counters.TcpExtListenOverflows);
      expect(seen).toBeGreaterThan(0);
      const overflowFiring = live.find((e) => e.name === 'overflow' && e.state === 'firing')!;
      expect(overflowFiring.value).toBeGreaterThan(0);
      // Replay: the recorded snapshots through a fresh engine give exactly the live events.
      const engine = createAlertEngine(rules);
      expect(snaps.flatMap((s) => engine.evaluate(s))).toEqual(live);
    } finally {
      sub?.unsubscribe();
      await session?.stop();
    }
  }, 90_000);
});
