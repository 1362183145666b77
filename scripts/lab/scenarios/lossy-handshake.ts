// lossy-handshake: the path drops ~30 % of SYN-ACKs (nft numgen in the server netns) while someone followed the
// folklore "retries ≤ 2" all the way down to 1: the client retransmits SYNs, the server SYN-ACKs, and some
// handshakes fail outright. Both netns's counters are the ground truth for SYN and SYN-ACK retransmits.
import { connect, count, errCounts, nftCounter, startClient, startServer, type ScenarioDef } from './helpers.js';

export const lossyHandshake: ScenarioDef = {
  timeoutMs: () => 90_000,
  async setup(ctx) {
    const { topo, variant } = ctx;
    const loss = typeof variant.lossPercent === 'number' ? variant.lossPercent : 30;
    await topo.setSysctl(
      topo.server,
      'net.ipv4.tcp_synack_retries',
      typeof variant.synackRetries === 'number' ? variant.synackRetries : 1,
    );
    await topo.setSysctl(
      topo.client,
      'net.ipv4.tcp_syn_retries',
      typeof variant.synRetries === 'number' ? variant.synRetries : 1,
    );
    await startServer(ctx, ['--mode', 'close']);
    await topo.nft(
      topo.server,
      `table inet tslab_loss {\n chain out {\n  type filter hook output priority 0; policy accept;\n  tcp sport 8080 tcp flags & (syn|ack) == syn|ack numgen random mod 100 < ${loss} counter drop\n }\n}\n`,
    );
    await startClient(ctx);
    ctx.asserted.server.push('TcpExtTCPSynRetrans', 'TcpPassiveOpens');
    ctx.asserted.client.push('TcpExtTCPSynRetrans', 'TcpActiveOpens', 'TcpAttemptFails');
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const n = typeof variant.connections === 'number' ? variant.connections : 60;
    const r = await connect(ctx, {
      host: topo.server.ip4,
      count: n,
      after: 'destroy',
      concurrency: 10,
      settleMs: 30_000,
    });
    measured.connections = n;
    measured.connected = count(r, 'connected');
    measured.clientErrors = JSON.stringify(errCounts(r));
    measured.synAcksDropped = await nftCounter(topo, topo.server, 'tslab_loss');
    measured.lossPercent = typeof variant.lossPercent === 'number' ? variant.lossPercent : 30;
  },
};
