// Scenario rst-closed-port: connects to a closed port: the kernel answers each SYN with a RST (reason NO_SOCKET).
import {
  CLOSED_PORT,
  type ScenarioDef,
  connectBoth,
  count,
  errCounts,
  num,
  startClient,
  startServer,
} from './helpers.js';

export const rstClosedPort: ScenarioDef = {
  timeoutMs: () => 30_000,
  async setup(ctx) {
    await startServer(ctx, ['--mode', 'close']);
    await startClient(ctx);
    ctx.asserted.server.push('TcpOutRsts', 'TcpPassiveOpens', 'TcpInSegs');
    ctx.asserted.client.push('TcpAttemptFails', 'TcpActiveOpens', 'TcpEstabResets');
  },
  async traffic(ctx) {
    const { variant, measured } = ctx;
    const n = num(variant, 'count', 20);
    const r = await connectBoth(ctx, { port: CLOSED_PORT, count: n, after: 'hold', concurrency: 4 });
    measured.connects = n;
    measured.closedPort = CLOSED_PORT;
    measured.clientECONNREFUSED = (errCounts(r.v4).ECONNREFUSED ?? 0) + (errCounts(r.v6).ECONNREFUSED ?? 0);
    measured.refusedV4 = errCounts(r.v4).ECONNREFUSED ?? 0;
    measured.refusedV6 = errCounts(r.v6).ECONNREFUSED ?? 0;
    measured.connected = count(r.v4, 'connected') + count(r.v6, 'connected');
  },
};
