// backlog-burst: a server whose accept queue is small (listen(64) capped by somaxconn=16) stalls for a moment (SIGSTOP,
// like a GC pause) while a burst of connects arrives: the accept queue overflows (ListenOverflows), clients retry and
// get in once it resumes. The fix is the listen() backlog and somaxconn, not tcp_max_syn_backlog.
import { connect, count, errCounts, sleep, startClient, startServer, type ScenarioDef } from './helpers.js';

export const backlogBurst: ScenarioDef = {
  timeoutMs: () => 60_000,
  async setup(ctx) {
    const { topo, variant } = ctx;
    await topo.setSysctl(
      topo.server,
      'net.core.somaxconn',
      typeof variant.somaxconn === 'number' ? variant.somaxconn : 16,
    );
    await startServer(ctx, ['--backlog', String(variant.backlog ?? 64), '--mode', 'hold']);
    await startClient(ctx);
    ctx.asserted.server.push('TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpPassiveOpens', 'TcpExtTCPReqQFullDrop');
    ctx.asserted.client.push('TcpActiveOpens', 'TcpExtTCPSynRetrans');
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const burst = typeof variant.burst === 'number' ? variant.burst : 100;
    const pauseMs = typeof variant.pauseMs === 'number' ? variant.pauseMs : 2500;
    const pid = ctx.server?.pid;
    if (!pid) throw new Error('no server agent');
    process.kill(pid, 'SIGSTOP');
    let r;
    try {
      const pending = connect(ctx, { host: topo.server.ip4, count: burst, after: 'hold', settleMs: 25_000 });
      await sleep(pauseMs);
      process.kill(pid, 'SIGCONT');
      r = await pending;
    } finally {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        /* gone */
      }
    }
    measured.burst = burst;
    measured.connected = count(r, 'connected');
    measured.clientErrors = JSON.stringify(errCounts(r));
    measured.stallMs = pauseMs;
    const l = await topo.exec(topo.server, 'ss', ['-ltnH', 'sport', '= :8080']);
    measured.acceptCapacity = Number(/\S+\s+\d+\s+(\d+)/.exec(l.stdout)?.[1] ?? -1);
  },
};
