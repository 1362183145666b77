// Event floods: a SYN flood and a reset storm at the highest rate hping3 makes here. tcpscope keeps one snapshot per
// interval, caps per-event detail in the kernel (the rest is counted as suppressed) and its counts stay exact.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireCommand, requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { CLOSED_PORT, PORT, createTopology, ensureChurnBinary, type Topology } from '../../scripts/lab/index.js';
import { onJsonLines } from '../helpers/ndjson.js';
import { CLI, sleep, tracersOf, waitFor } from './helpers.js';

interface SnapLite {
  time: number;
  seq: number;
  intervalMs: number;
  mode: string;
  netns: { inode: number };
  events: { resetsSent: number; details: unknown[]; suppressed: number; lost: number };
  counters: Record<string, number>;
}

const DETAIL_CAP = 20; // the session default (SessionOptions.detailCap)
const FLOOD_S = 5;

describe('event flood', () => {
  it('SYN flood + reset storm: a snapshot every interval, detail capped, resets sent exact', async () => {
    await requireKernelTracing();
    await requireLab();
    await requireCommand('hping3');
    const churn = await ensureChurnBinary();
    let topo: Topology | undefined;
    const snaps: SnapLite[] = [];
    let watch: ReturnType<typeof execa> | undefined;
    try {
      topo = await createTopology();
      const t = topo;
      // A listener that never accepts (the SYN flood target); nothing on CLOSED_PORT (every SYN there gets a RST).
      t.spawn(t.server, churn, ['listen', '--port', String(PORT), '--backlog', '64']);
      // The flood's SYN-ACKs are dropped in the client netns so its kernel sends no RSTs back (exact ground truth).
      await t.nft(
        t.client,
        `table inet tsfault {\n chain in {\n  type filter hook input priority 0; policy accept;\n  tcp sport ${PORT} tcp flags & (syn|ack) == syn|ack drop\n }\n}\n`,
      );
      watch = execa('node', [CLI, 'watch', '--json', '--netns', t.server.name, '--interval', '1s'], {
        reject: false,
        buffer: false,
        env: { NO_COLOR: '1' },
      });
      onJsonLines<SnapLite>(watch.stdout, (s) => snaps.push(s));
      await tracersOf(watch.pid!);
      await waitFor(
        async () => snaps.filter((s) => s.mode === 'ebpf').length,
        (n) => n >= 2,
        20_000,
      );
      const before = await t.counters(t.server);
      const first = snaps.length;
      const flood = (port: number) =>
        t.exec(
          t.client,
          'timeout',
          [String(FLOOD_S), 'hping3', '--flood', '-q', '-S', '-p', String(port), t.server.ip4],
          { timeoutMs: (FLOOD_S + 10) * 1000 },
        );
      const t0 = Date.now();
      await Promise.all([flood(PORT), flood(CLOSED_PORT)]);
      const floodMs = Date.now() - t0;
      // Two more intervals so the last ticks carry the end of the flood.
      await sleep(2500);
      const after = await t.counters(t.server);
      await sleep(200);
      watch.kill('SIGINT');
      await watch;

      const outRsts = (after.TcpOutRsts ?? 0) - (before.TcpOutRsts ?? 0);
      const synCookies = (after.TcpExtSyncookiesSent ?? 0) - (before.TcpExtSyncookiesSent ?? 0);
      expect(outRsts, 'the reset storm happened').toBeGreaterThan(10_000);
      expect(
        synCookies + ((after.TcpExtListenDrops ?? 0) - (before.TcpExtListenDrops ?? 0)),
        'the SYN flood happened',
      ).toBeGreaterThan(10_000);

      const during = snaps.slice(first);
      // Responsive: one snapshot per interval (±1 over the flood), no interval gap longer than 2 intervals.
      const expected = Math.floor((floodMs + 2500) / 1000);
      expect(during.length).toBeGreaterThanOrEqual(expected - 1);
      expect(during.length).toBeLessThanOrEqual(expected + 2);
      for (let i = 1; i < during.length; i++)
        expect(during[i]!.time - during[i - 1]!.time, `gap before seq ${during[i]!.seq}`).toBeLessThanOrEqual(2000);
      // Detail capped per interval in the kernel; the rest counted.
      for (const s of snaps) expect(s.events.details.length).toBeLessThanOrEqual(DETAIL_CAP);
      expect(Math.max(...during.map((s) => s.events.details.length))).toBe(DETAIL_CAP);
      expect(during.reduce((a, s) => a + s.events.suppressed, 0)).toBeGreaterThan(0);
      // Exact aggregate: every reset the kernel sent in this netns, counted once, over the whole session.
      const resetsSeen = snaps.reduce((a, s) => a + s.events.resetsSent, 0);
      console.log(
        `flood ${floodMs} ms: OutRsts ${outRsts}, tcpscope resetsSent ${resetsSeen}, SYN cookies ${synCookies}, snapshots ${during.length}, suppressed ${during.reduce((a, s) => a + s.events.suppressed, 0)}, lost ${during.reduce((a, s) => a + s.events.lost, 0)}`,
      );
      expect(resetsSeen).toBe(outRsts);
    } finally {
      watch?.kill('SIGKILL');
      await topo?.destroy();
    }
  }, 120_000);
});
