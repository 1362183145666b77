// Scenario time-wait: many short connections closed by the client: TIME_WAIT sockets, and tcp_max_tw_buckets overflow.
import { type ScenarioDef, connectBoth, count, num, startClient, startServer, waitUntil } from './helpers.js';

export const timeWait: ScenarioDef = {
  timeoutMs: () => 30_000,
  async setup(ctx) {
    const { topo, variant } = ctx;
    if (variant.maxTwBuckets !== undefined)
      await topo.setSysctl(topo.client, 'net.ipv4.tcp_max_tw_buckets', num(variant, 'maxTwBuckets', 0));
    await startServer(ctx, ['--mode', 'close']);
    await startClient(ctx);
    ctx.asserted.client.push('TcpExtTCPTimeWaitOverflow', 'TcpActiveOpens');
    ctx.asserted.server.push('TcpPassiveOpens', 'TcpExtTCPTimeWaitOverflow');
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const n = num(variant, 'connections', 200);
    const r = await connectBoth(ctx, { count: n, after: 'destroy', concurrency: 4 });
    measured.connections = count(r.v4, 'connected') + count(r.v6, 'connected');
    // Wait for every close to finish (client FIN_WAIT* → TIME_WAIT, server CLOSE_WAIT/LAST_ACK → gone).
    await waitUntil(
      'closes to complete',
      async () => {
        const [c, s] = await Promise.all([topo.census(topo.client), topo.census(topo.server)]);
        const busy = (x: Record<string, number>): number =>
          (x.ESTABLISHED ?? 0) +
          (x.FIN_WAIT1 ?? 0) +
          (x.FIN_WAIT2 ?? 0) +
          (x.CLOSE_WAIT ?? 0) +
          (x.LAST_ACK ?? 0) +
          (x.CLOSING ?? 0);
        return busy(c) === 0 && busy(s) === 0;
      },
      10_000,
    );
    const max = variant.maxTwBuckets !== undefined ? num(variant, 'maxTwBuckets', 0) : Infinity;
    measured.expectedTimeWait = Math.min(n, max);
    measured.expectedTimeWaitOverflow = Number.isFinite(max) ? Math.max(0, n - max) : 0;
    if (Number.isFinite(max)) measured.maxTwBuckets = max;
  },
};
