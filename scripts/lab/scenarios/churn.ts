// Scenario churn: sustained connection churn at a target rate (benchmarks), from the C churn client.
import { startChurnAgent, type Json } from '../agent.js';
import { PORT, type ScenarioDef, count, num } from './helpers.js';

export const churn: ScenarioDef = {
  needs: { cc: true },
  timeoutMs: (ctx) => (ctx.opts.durationMs ?? 5000) + 30_000,
  async setup(ctx) {
    const { topo } = ctx;
    await topo.setSysctl(topo.client, 'net.ipv4.ip_local_port_range', '1024 65535');
    await topo.setSysctl(topo.client, 'net.ipv4.tcp_tw_reuse', 1);
    const s = await startChurnAgent(topo, topo.server, ['server', '--port', String(PORT)]);
    await s.ready();
    ctx.server = s;
    ctx.pids.server.churnServer = s.pid;
    ctx.asserted.client.push('TcpActiveOpens', 'TcpAttemptFails');
    ctx.asserted.server.push('TcpPassiveOpens');
  },
  async traffic(ctx) {
    const { topo, opts, measured } = ctx;
    const dur = opts.durationMs ?? 5000;
    const rate = opts.rate ?? 'max';
    const conc = num(ctx.variant, 'concurrency', 64);
    const c = await startChurnAgent(topo, topo.client, [
      'client',
      '--host',
      topo.server.ip4,
      '--port',
      String(PORT),
      '--duration-ms',
      String(dur),
      '--rate',
      String(rate),
      '--concurrency',
      String(conc),
    ]);
    ctx.pids.client.churnClient = c.pid;
    const out = await c.output(dur + 15_000);
    const line = out.split('\n').find((l) => l.startsWith('{"completed"'));
    if (!line) throw new Error(`churn client printed no result: ${out} ${c.stderr}`);
    const res = JSON.parse(line) as Json;
    for (const k of ['completed', 'failed', 'started', 'inflightAtEnd', 'elapsedMs', 'ratePerSec'])
      measured[k] = count(res, k);
    measured.requestedRate = String(rate);
    measured.concurrency = conc;
    measured.clientErrors = JSON.stringify(res.errors ?? {});
  },
};
