// Scenario fin-wait2-orphans: clients that close first against a peer that never does: orphaned FIN_WAIT2 (tcp_fin_timeout).
import { performance } from 'node:perf_hooks';
import { type ScenarioDef, connectBoth, num, startClient, startServer, waitUntil } from './helpers.js';

export const finWait2Orphans: ScenarioDef = {
  timeoutMs: (ctx) => 30_000 + num(ctx.variant, 'finTimeout', 3) * 1000,
  async setup(ctx) {
    const { topo, variant } = ctx;
    await topo.setSysctl(topo.client, 'net.ipv4.tcp_fin_timeout', num(variant, 'finTimeout', 3));
    // The peer keeps its end open forever (never sends its FIN).
    await startServer(ctx, ['--mode', 'hold']);
    await startClient(ctx);
    ctx.asserted.client.push('TcpActiveOpens');
    ctx.asserted.server.push('TcpPassiveOpens');
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const n = num(variant, 'connections', 20);
    const finTimeout = num(variant, 'finTimeout', 3);
    await connectBoth(ctx, { count: n, after: 'destroy' });
    const tClose = performance.now();
    let peak = 0;
    let tPeak = 0;
    let tZero = 0;
    await waitUntil(
      'orphaned FIN_WAIT2 to expire',
      async () => {
        const fw2 = (await topo.census(topo.client)).FIN_WAIT2 ?? 0;
        const now = performance.now();
        if (fw2 > peak) {
          peak = fw2;
          tPeak = now;
        }
        if (peak > 0 && fw2 === 0) {
          tZero = now;
          return true;
        }
        return false;
      },
      finTimeout * 1000 + 15_000,
      50,
    );
    measured.connections = n;
    measured.finWait2Peak = peak;
    measured.finWait2PeakAfterMs = Math.round(tPeak - tClose);
    measured.measuredHoldMs = Math.round(tZero - tClose);
    measured.tcpFinTimeoutMs = finTimeout * 1000;
    measured.serverCloseWait = (await topo.census(topo.server)).CLOSE_WAIT ?? 0;
  },
};
