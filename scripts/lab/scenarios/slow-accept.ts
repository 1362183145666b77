// Scenario slow-accept: a listener whose accept queue is full (listen backlog 1, not accepting) starts accepting after
// acceptAfterMs: connects made meanwhile lose their SYNs to ListenOverflows and complete at a later SYN retransmit.
// Variant local: the clients run in the server's netns (one netns holds both the slow connects and the overflows).
import { startChurnAgent } from '../agent.js';
import { type ScenarioDef, flag, num, PORT, sleep } from './helpers.js';
import { recordClientTimings, timedConnects } from './latency-helpers.js';

export const slowAccept: ScenarioDef = {
  needs: { cc: true },
  // variant timeoutMs: a caller that waits inside the scenario (a whole-host watch polling every netns) needs more.
  timeoutMs: (ctx) => num(ctx.variant, 'timeoutMs', 45_000),
  async setup(ctx) {
    const l = await startChurnAgent(ctx.topo, ctx.topo.server, ['listen', '--port', String(PORT), '--backlog', '1']);
    await l.ready();
    ctx.server = l;
    ctx.pids.server.listener = l.pid;
    ctx.asserted.server.push('TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpPassiveOpens');
    ctx.asserted.client.push('TcpExtTCPSynRetrans', 'TcpActiveOpens');
  },
  async traffic(ctx) {
    const { topo } = ctx;
    const from = flag(ctx.variant, 'local') ? topo.server : topo.client;
    // Fill the queue: backlog 1 holds 2 (full means ack_backlog > backlog); closed by the client or not, queued
    // connections stay in the accept queue until accepted.
    const a = await timedConnects(ctx, 2, undefined, from);
    const late = num(ctx.variant, 'late', 3);
    const b = await timedConnects(
      ctx,
      late,
      async () => {
        await sleep(num(ctx.variant, 'acceptAfterMs', 2500));
        process.kill(ctx.pids.server.listener!, 'SIGUSR1'); // the listener starts accepting: the queue drains
      },
      from,
    );
    recordClientTimings(ctx.measured, [b]);
    ctx.measured.prefilled = ((a.connectUs as number[] | undefined) ?? []).length;
    ctx.measured.prefillConnectUs = JSON.stringify(a.connectUs ?? []);
    ctx.measured.late = late;
    ctx.measured.lateConnected = ((b.connectUs as number[] | undefined) ?? []).length;
  },
};
