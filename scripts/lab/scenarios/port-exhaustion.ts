// port-exhaustion: a client making many short connections to one destination through a narrow ip_local_port_range.
// It closes first, so every port sits 60 s in TIME_WAIT; tcp_tw_reuse=2 (loopback only) does not apply on the veth,
// and connect() fails with EADDRNOTAVAIL once the range is used up. Variant sysctlFile applies a sysctl.d file
// (`tcpscope advise --format sysctl.d`) in the client netns after the narrow range: the rerun of the advice.
import { applySysctlFile } from '../sysctl-file.js';
import { connect, count, errCounts, startClient, startServer, waitUntil, type ScenarioDef } from './helpers.js';

export const portExhaustion: ScenarioDef = {
  timeoutMs: () => 60_000,
  async setup(ctx) {
    const { topo, variant, measured } = ctx;
    await topo.setSysctl(topo.client, 'net.ipv4.ip_local_port_range', String(variant.portRange ?? '40000 40063'));
    if (typeof variant.sysctlFile === 'string') {
      const applied = await applySysctlFile(topo, topo.client, variant.sysctlFile);
      measured.sysctlFileApplied = applied.map((e) => `${e.name}=${e.value}`).join(',');
    }
    measured.portRange = (await topo.readSysctl(topo.client, 'net.ipv4.ip_local_port_range')) ?? '?';
    measured.tcpTwReuse = (await topo.readSysctl(topo.client, 'net.ipv4.tcp_tw_reuse')) ?? '?';
    await startServer(ctx, ['--mode', 'close']);
    await startClient(ctx);
    ctx.asserted.client.push('TcpActiveOpens', 'TcpAttemptFails');
    ctx.asserted.server.push('TcpPassiveOpens');
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const rounds = typeof variant.rounds === 'number' ? variant.rounds : 3;
    const per = typeof variant.connections === 'number' ? variant.connections : 60;
    // A few rounds a second apart (a steady client, not one burst): later rounds find the ports in TIME_WAIT.
    let connected = 0;
    let failed = 0;
    const errors: Record<string, number> = {};
    for (let i = 0; i < rounds; i++) {
      const r = await connect(ctx, { host: topo.server.ip4, count: per, after: 'destroy', concurrency: 4 });
      connected += count(r, 'connected');
      failed += count(r, 'failed');
      for (const [k, v] of Object.entries(errCounts(r))) errors[k] = (errors[k] ?? 0) + v;
      await new Promise((res) => setTimeout(res, 1000));
    }
    await waitUntil(
      'closes to complete',
      async () => {
        const c = await topo.census(topo.client);
        return (c.ESTABLISHED ?? 0) + (c.FIN_WAIT1 ?? 0) + (c.FIN_WAIT2 ?? 0) === 0;
      },
      10_000,
    );
    measured.attempts = rounds * per;
    measured.connected = connected;
    measured.failed = failed;
    measured.clientEADDRNOTAVAIL = errors.EADDRNOTAVAIL ?? 0;
    measured.clientErrors = JSON.stringify(errors);
    measured.clientTimeWait = (await topo.census(topo.client)).TIME_WAIT ?? 0;
  },
};
