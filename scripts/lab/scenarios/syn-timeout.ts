// Scenario syn-timeout: connect() to a silent peer: SYNs dropped, the client retransmits them (tcp_syn_retries) until it gives up.
import { expectedSynSchedule } from '../procfs.js';
import { PORT, type ScenarioDef, connectBoth, errCounts, num, startClient, startServer } from './helpers.js';

export const synTimeout: ScenarioDef = {
  timeoutMs: (ctx) => {
    const s = expectedSynSchedule(num(ctx.variant, 'synRetries', 2), num(ctx.variant, 'linearTimeouts', 4));
    return s.giveUpMs + 30_000;
  },
  async setup(ctx) {
    const { topo, variant, measured } = ctx;
    await topo.setSysctl(topo.client, 'net.ipv4.tcp_syn_retries', num(variant, 'synRetries', 2));
    if (variant.linearTimeouts !== undefined)
      await topo.setSysctl(topo.client, 'net.ipv4.tcp_syn_linear_timeouts', num(variant, 'linearTimeouts', 4));
    const lin = await topo.readSysctl(topo.client, 'net.ipv4.tcp_syn_linear_timeouts');
    measured.tcpSynLinearTimeouts = lin ?? 'absent';
    await startServer(ctx, ['--mode', 'hold']);
    // SYN-ACKs never reach the client socket.
    await topo.nft(
      topo.client,
      `table inet tslab {\n chain in {\n  type filter hook input priority 0; policy accept;\n  tcp sport ${PORT} tcp flags & (syn|ack) == syn|ack counter drop\n }\n}\n`,
    );
    await startClient(ctx);
    ctx.asserted.client.push('TcpExtTCPSynRetrans', 'TcpAttemptFails', 'TcpActiveOpens', 'TcpExtTCPAbortOnTimeout');
    ctx.asserted.server.push('TcpPassiveOpens');
  },
  async traffic(ctx) {
    const { variant, measured } = ctx;
    const retries = num(variant, 'synRetries', 2);
    const lin =
      typeof measured.tcpSynLinearTimeouts === 'string' && measured.tcpSynLinearTimeouts !== 'absent'
        ? Number(measured.tcpSynLinearTimeouts)
        : 0;
    const exp = expectedSynSchedule(retries, lin);
    const n = num(variant, 'connections', 2);
    const r = await connectBoth(ctx, { count: n, after: 'hold', settleMs: exp.giveUpMs + 8000 });
    const fails = [...((r.v4.failMs as number[] | undefined) ?? []), ...((r.v6.failMs as number[] | undefined) ?? [])];
    const errs: Record<string, number> = {};
    for (const x of [r.v4, r.v6]) for (const [k, v] of Object.entries(errCounts(x))) errs[k] = (errs[k] ?? 0) + v;
    measured.connections = n;
    measured.synRetries = retries;
    measured.clientETIMEDOUT = errs.ETIMEDOUT ?? 0;
    measured.clientErrors = JSON.stringify(errs);
    measured.giveUpMsMin = fails.length ? Math.min(...fails) : -1;
    measured.giveUpMsMax = fails.length ? Math.max(...fails) : -1;
    measured.expectedGiveUpMs = exp.giveUpMs;
    measured.expectedSynRetransPerConnect = exp.retransmits;
    measured.expectedSynRetrans = exp.retransmits * n;
  },
};
