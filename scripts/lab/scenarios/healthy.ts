// healthy: a steady client and server on default settings (v4 and v6, connections closed by the client): nothing
// near a limit, so `tcpscope advise` must say "keep everything" with its margins.
import { connect, count, startClient, startServer, type ScenarioDef } from './helpers.js';

export const healthy: ScenarioDef = {
  timeoutMs: () => 60_000,
  async setup(ctx) {
    await startServer(ctx, ['--mode', 'close']);
    await startClient(ctx);
    ctx.asserted.server.push('TcpPassiveOpens', 'TcpExtListenOverflows', 'TcpExtTCPSynRetrans');
    ctx.asserted.client.push('TcpActiveOpens', 'TcpAttemptFails');
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const rounds = typeof variant.rounds === 'number' ? variant.rounds : 3;
    let connected = 0;
    for (let i = 0; i < rounds; i++) {
      const [a, b] = await Promise.all([
        connect(ctx, { host: topo.server.ip4, count: 20, after: 'destroy', concurrency: 4 }),
        connect(ctx, { host: topo.server.ip6, count: 20, after: 'destroy', concurrency: 4 }),
      ]);
      connected += count(a, 'connected') + count(b, 'connected');
      await new Promise((res) => setTimeout(res, 700));
    }
    measured.connected = connected;
  },
};
