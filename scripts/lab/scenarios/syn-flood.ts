// Scenario syn-flood: a SYN flood from hping3: the SYN queue, tcp_max_syn_backlog and syncookies.
import { startChurnAgent } from '../agent.js';
import { PORT, type ScenarioDef, nftCounter, num } from './helpers.js';

export const synFlood: ScenarioDef = {
  needs: { hping3: true, cc: true },
  timeoutMs: () => 40_000,
  async setup(ctx) {
    const { topo, variant } = ctx;
    const cookies = num(variant, 'syncookies', 1);
    const backlog = num(variant, 'backlog', 64);
    await topo.setSysctl(topo.server, 'net.ipv4.tcp_syncookies', cookies);
    if (variant.maxSynBacklog !== undefined)
      await topo.setSysctl(topo.server, 'net.ipv4.tcp_max_syn_backlog', num(variant, 'maxSynBacklog', 128));
    const l = await startChurnAgent(topo, topo.server, [
      'listen',
      '--port',
      String(PORT),
      '--backlog',
      String(backlog),
    ]);
    await l.ready();
    ctx.server = l;
    ctx.pids.server.listener = l.pid;
    // The flood's SYN-ACKs are dropped in the client netns, so its kernel never answers them with RSTs.
    await topo.nft(
      topo.client,
      `table inet tslab {\n chain in {\n  type filter hook input priority 0; policy accept;\n  tcp sport ${PORT} tcp flags & (syn|ack) == syn|ack counter drop\n }\n}\n`,
    );
    ctx.asserted.server.push(
      'TcpExtTCPReqQFullDrop',
      'TcpExtTCPReqQFullDoCookies',
      'TcpExtSyncookiesSent',
      'TcpExtListenDrops',
      'TcpExtListenOverflows',
      'TcpInSegs',
    );
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const n = num(variant, 'count', 1000);
    const backlog = num(variant, 'backlog', 64);
    const cookies = num(variant, 'syncookies', 1);
    const msb = Number(await topo.readSysctl(topo.server, 'net.ipv4.tcp_max_syn_backlog'));
    const r = await topo.exec(
      topo.client,
      'hping3',
      ['-q', '-S', '-p', String(PORT), '-c', String(n), '-i', 'u200', topo.server.ip4],
      { timeoutMs: 20_000 },
    );
    const tx = /(\d+) packets transmitted/.exec(r.stdout + r.stderr);
    measured.synsSent = tx?.[1] !== undefined ? Number(tx[1]) : -1;
    if (measured.synsSent !== n)
      throw new Error(`hping3 sent ${String(measured.synsSent)} of ${n} SYNs (exit ${r.exitCode}): ${r.stderr.trim()}`);
    measured.synAcksDroppedAtClient = await nftCounter(topo, topo.client, 'tslab');
    // What the kernel will keep as requests (see docs/lab.md): SYN queue full past backlog; with syncookies=0,
    // unproven peers are dropped once tcp_max_syn_backlog - qlen < tcp_max_syn_backlog/4.
    const queueLimit = backlog + 1;
    const msbLimit = msb - (msb >> 2) + 1;
    measured.syncookies = cookies;
    measured.backlog = backlog;
    measured.tcpMaxSynBacklog = msb;
    measured.expectedSynRecv =
      cookies === 2 ? 0 : cookies === 0 ? Math.min(queueLimit, msbLimit, n) : Math.min(queueLimit, n);
  },
};
