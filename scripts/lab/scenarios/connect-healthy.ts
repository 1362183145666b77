// Scenario connect-healthy: connects held open, their srtt read with ss (the kernel's own RTT), then closed: latency,
// lifetime and RTT truth without any loss.
import { performance } from 'node:perf_hooks';
import { type ScenarioDef, clientOf, connect, num, startClient, startServer, waitUntil } from './helpers.js';
import { parseSsRtts, recordClientTimings } from './latency-helpers.js';

export const connectHealthy: ScenarioDef = {
  timeoutMs: () => 30_000,
  async setup(ctx) {
    await startServer(ctx, ['--mode', 'close']);
    await startClient(ctx);
    ctx.asserted.client.push('TcpExtTCPSynRetrans', 'TcpActiveOpens');
    ctx.asserted.server.push('TcpPassiveOpens');
  },
  async traffic(ctx) {
    const { topo } = ctx;
    const n = num(ctx.variant, 'connections', 20);
    const r = await connect(ctx, { host: topo.server.ip4, count: n, after: 'hold', concurrency: 4 });
    recordClientTimings(ctx.measured, [r]);
    const ss = await topo.exec(topo.client, 'ss', ['-tinH', 'state', 'established', '( dport = :8080 )']);
    const rtts = parseSsRtts(ss.stdout);
    ctx.measured.ssRttUs = JSON.stringify(rtts);
    ctx.measured.connections = n;
    const held = Math.round(performance.now() - ctx.t0);
    await clientOf(ctx).request({ op: 'destroyAll' });
    ctx.measured.heldMs = held;
    await waitUntil(
      'closes to complete',
      async () => ((await topo.census(topo.client)).ESTABLISHED ?? 0) === 0,
      10_000,
    );
  },
};
