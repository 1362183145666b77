// Lab scenario "many-netns": N netns pairs at once, each a small service with light traffic, two of them in trouble
// (an accept-queue overflow in one, a CLOSE_WAIT leak in another), for the whole-host view. Pairs can be added and
// removed mid-run. Ground truth per netns comes from that netns's own kernel counters (topo.counters / nstat).
import { Agent, startChurnAgent, startNodeAgent } from './agent.js';
import { PORT } from './scenarios.js';
import { createTopology, ADDR, type LabTopology } from './topology.js';
import type { NetnsInfo } from './types.js';

export type PairRole = 'quiet' | 'overflow' | 'close-wait';

export interface LabPair {
  role: PairRole;
  topo: LabTopology;
  server: NetnsInfo;
  client: NetnsInfo;
  agents: Agent[];
}

export interface ManyNetnsLab {
  pairs: LabPair[];
  /** One more quiet pair (a netns created mid-run). */
  addPair(): Promise<LabPair>;
  /** Destroys a pair (its namespaces vanish mid-run). */
  removePair(pair: LabPair): Promise<void>;
  /** One interval's worth of trouble: new overflowing SYNs, new leaked CLOSE_WAIT sockets. */
  tick(): Promise<void>;
  /** Stops every client (counters then stay still, for exact comparisons); servers and leaked sockets remain. */
  stopClients(): Promise<void>;
  destroy(): Promise<void>;
}

async function quietPair(topo: LabTopology, durationMs: number): Promise<Agent[]> {
  const srv = await startChurnAgent(topo, topo.server, ['server', '--port', String(PORT), '--backlog', '128']);
  await srv.ready();
  // 2 connections/s: light traffic that must raise nothing.
  const cli = await startChurnAgent(topo, topo.client, [
    'client',
    '--host',
    ADDR.server.ip4,
    '--port',
    String(PORT),
    '--duration-ms',
    String(durationMs),
    '--rate',
    '2',
    '--concurrency',
    '1',
  ]);
  return [srv, cli];
}

async function troubledPair(topo: LabTopology, role: PairRole): Promise<Agent[]> {
  let srv: Agent;
  if (role === 'overflow') {
    // listen(1) and never accept: the accept queue is full after 2 connections; every later SYN overflows.
    srv = await startChurnAgent(topo, topo.server, ['listen', '--port', String(PORT), '--backlog', '1']);
    await topo.setSysctl(topo.server, 'net.ipv4.tcp_synack_retries', 1);
  } else {
    // Never close() after the peer's FIN: every connection the client closes stays in CLOSE_WAIT on the server.
    srv = startNodeAgent(topo, topo.server, 'server.mjs', ['--port', String(PORT), '--mode', 'hold']);
  }
  await srv.ready();
  const cli = startNodeAgent(topo, topo.client, 'client.mjs');
  await cli.ready();
  return [srv, cli];
}

export async function startManyNetns(opts: {
  pairs: number;
  durationMs: number;
  parallel?: number;
}): Promise<ManyNetnsLab> {
  if (opts.pairs < 3) throw new Error('many-netns needs at least 3 pairs');
  const pairs: LabPair[] = [];
  const make = async (role: PairRole): Promise<LabPair> => {
    const topo = await createTopology();
    const pair: LabPair = { role, topo, server: topo.server, client: topo.client, agents: [] };
    pairs.push(pair);
    pair.agents = role === 'quiet' ? await quietPair(topo, opts.durationMs) : await troubledPair(topo, role);
    return pair;
  };
  const roles: PairRole[] = [
    'overflow',
    'close-wait',
    ...Array.from({ length: opts.pairs - 2 }, () => 'quiet' as const),
  ];
  const lab: ManyNetnsLab = {
    pairs,
    addPair: () => make('quiet'),
    async removePair(pair) {
      for (const a of pair.agents) a.kill();
      await pair.topo.destroy();
      pairs.splice(pairs.indexOf(pair), 1);
    },
    async tick() {
      await Promise.all(
        pairs
          .filter((p) => p.role !== 'quiet')
          .map(async (p) => {
            const cli = p.agents[1]!;
            // overflow: 10 SYNs into the full queue (left pending); close-wait: 5 connections the client closes at once.
            if (p.role === 'overflow')
              await cli.request({
                op: 'connect',
                host: ADDR.server.ip4,
                port: PORT,
                count: 10,
                concurrency: 10,
                after: 'hold',
                settleMs: 200,
              });
            else
              await cli.request({
                op: 'connect',
                host: ADDR.server.ip4,
                port: PORT,
                count: 5,
                concurrency: 5,
                after: 'destroy',
                settleMs: 2000,
              });
          }),
      );
    },
    async stopClients() {
      for (const p of pairs) p.agents[1]?.kill();
    },
    async destroy() {
      for (const p of pairs) for (const a of p.agents) a.kill();
      await Promise.all(pairs.map((p) => p.topo.destroy()));
      pairs.length = 0;
    },
  };
  try {
    const parallel = Math.max(1, opts.parallel ?? 4);
    for (let i = 0; i < roles.length; i += parallel)
      await Promise.all(roles.slice(i, i + parallel).map((r) => make(r)));
  } catch (err) {
    await lab.destroy();
    throw err;
  }
  return lab;
}
