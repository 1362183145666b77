// Scenario synack-retrans: handshakes that never complete: the final ACK dropped, the server retransmits SYN-ACKs (tcp_synack_retries).
import { performance } from 'node:perf_hooks';
import {
  PORT,
  PURE_ACK,
  type ScenarioDef,
  connectBoth,
  count,
  nftCounter,
  num,
  startClient,
  startServer,
  waitUntil,
} from './helpers.js';

export const synackRetrans: ScenarioDef = {
  timeoutMs: () => 45_000,
  async setup(ctx) {
    const { topo, variant } = ctx;
    await topo.setSysctl(topo.server, 'net.ipv4.tcp_synack_retries', num(variant, 'synackRetries', 2));
    await startServer(ctx, ['--backlog', '128', '--mode', 'hold']);
    // The client's final ACK is dropped on its way into the server netns.
    await topo.nft(
      topo.server,
      `table inet tslab {\n chain in {\n  type filter hook input priority 0; policy accept;\n  tcp dport ${PORT} ${PURE_ACK} counter drop\n }\n}\n`,
    );
    await startClient(ctx);
    ctx.asserted.server.push('TcpExtTCPSynRetrans', 'TcpRetransSegs', 'TcpPassiveOpens', 'TcpExtListenOverflows');
    ctx.asserted.client.push('TcpActiveOpens', 'TcpExtTCPSynRetrans');
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const retries = num(variant, 'synackRetries', 2);
    const requests = num(variant, 'requests', 8);
    const t = performance.now();
    const r = await connectBoth(ctx, { count: requests, after: 'hold' });
    measured.requests = count(r.v4, 'connected') + count(r.v6, 'connected');
    measured.synRecvPeak = (await topo.census(topo.server)).SYN_RECV ?? 0;
    const lifetime = (2 ** (retries + 1) - 1) * 1000;
    await waitUntil(
      'requests to expire',
      async () => (await topo.census(topo.server)).SYN_RECV === 0,
      lifetime + 5000,
      100,
    );
    measured.requestLifetimeMs = Math.round(performance.now() - t);
    measured.expectedRequestLifetimeMs = lifetime;
    measured.synackRetries = retries;
    measured.expectedSynAckRetrans = requests * retries;
    measured.finalAcksDropped = await nftCounter(topo, topo.server, 'tslab');
  },
};
