// Scenario close-wait-leak: a server that never closes: CLOSE_WAIT sockets owned by one process.
import { readFileSync } from 'node:fs';
import { parseSsOwners } from '../procfs.js';
import { type ScenarioDef, connectBoth, num, startClient, startServer, waitUntil } from './helpers.js';

export const closeWaitLeak: ScenarioDef = {
  timeoutMs: () => 30_000,
  async setup(ctx) {
    await startServer(ctx, ['--mode', 'hold']);
    await startClient(ctx);
    ctx.asserted.server.push('TcpPassiveOpens');
    ctx.asserted.client.push('TcpActiveOpens');
  },
  async traffic(ctx) {
    const { topo, variant, measured } = ctx;
    const n = num(variant, 'connections', 10);
    await connectBoth(ctx, { count: n, after: 'destroy' });
    await waitUntil('CLOSE_WAIT to build up', async () => (await topo.census(topo.server)).CLOSE_WAIT === n, 10_000);
    const r = await topo.exec(topo.server, 'ss', ['-tanpH', 'state', 'close-wait']);
    const owners = parseSsOwners(r.stdout);
    const pids = [...new Set(owners.map((o) => o.pid))];
    measured.connections = n;
    measured.closeWait = r.stdout.split('\n').filter((l) => l.trim() !== '').length;
    measured.closeWaitOwners = pids.length;
    const pid = pids[0] ?? -1;
    measured.ownerPid = pid;
    measured.ownerComm = owners[0]?.comm ?? '';
    try {
      measured.ownerCommProc = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      measured.ownerCommProc = '';
    }
    ctx.pids.server.closeWaitOwner = pid;
  },
};
