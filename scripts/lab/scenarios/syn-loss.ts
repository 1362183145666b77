// Scenario syn-loss: the first SYN of every connection is lost on the path (nft in the server netns drops it): each
// connect takes ~1 s (the initial RTO) and needs one SYN retransmit; the C client times each connect itself.
import { type ScenarioDef, nftCounter, num, PORT, startServer } from './helpers.js';
import { firstSynDropRuleset, recordClientTimings, timedConnects } from './latency-helpers.js';

export const synLoss: ScenarioDef = {
  needs: { cc: true },
  timeoutMs: () => 40_000,
  async setup(ctx) {
    await startServer(ctx, ['--mode', 'hold']);
    await ctx.topo.nft(ctx.topo.server, firstSynDropRuleset(PORT));
    ctx.asserted.client.push('TcpExtTCPSynRetrans', 'TcpActiveOpens');
    ctx.asserted.server.push('TcpPassiveOpens', 'TcpExtListenOverflows');
  },
  async traffic(ctx) {
    const n = num(ctx.variant, 'connections', 6);
    recordClientTimings(ctx.measured, [await timedConnects(ctx, n)]);
    ctx.measured.connections = n;
    ctx.measured.synsDropped = await nftCounter(ctx.topo, ctx.topo.server, 'tslab_synloss');
  },
};
