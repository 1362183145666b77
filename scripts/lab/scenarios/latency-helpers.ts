// Shared by the connect-latency scenarios: the C client timing every connect() itself, the first-SYN drop, ss RTTs.
import { startChurnAgent, type Json } from '../agent.js';
import type { NetnsInfo } from '../types.js';
import { PORT, type Ctx } from './helpers.js';

/** nft: drop the first SYN of each connection (keyed by client address and port), let its retransmit through. */
export function firstSynDropRuleset(port: number): string {
  return [
    'table inet tslab_synloss {',
    ' set seen { type ipv4_addr . inet_service; flags dynamic, timeout; timeout 60s; }',
    ' chain in {',
    '  type filter hook input priority 0; policy accept;',
    `  tcp dport ${port} tcp flags & (syn|ack) == syn ip saddr . tcp sport @seen accept`,
    `  tcp dport ${port} tcp flags & (syn|ack) == syn add @seen { ip saddr . tcp sport } counter drop`,
    ' }',
    '}',
    '',
  ].join('\n');
}

/** Records the client's own connect timings (µs) and error counts of connect replies. */
export function recordClientTimings(measured: Record<string, number | string>, replies: Json[]): void {
  const us: number[] = [];
  const fail: number[] = [];
  for (const r of replies) {
    us.push(...((r.connectUs as number[] | undefined) ?? []));
    fail.push(...((r.failMs as number[] | undefined) ?? []));
  }
  measured.clientConnectUs = JSON.stringify(us.sort((a, b) => a - b));
  measured.clientFailMs = JSON.stringify(fail.sort((a, b) => a - b));
  measured.clientConnected = us.length;
}

/** srtt (µs) of every socket in `ss -tinH state established ...` output (` rtt:<ms>/<var ms>`, not minrtt/rcv_rtt). */
export function parseSsRtts(out: string): number[] {
  return [...out.matchAll(/\srtt:([\d.]+)\//g)].map((m) => Math.round(Number(m[1]) * 1000));
}

/** N connects at once from the C client of the client netns, each timed by itself (churn connect). */
export async function timedConnects(
  ctx: Ctx,
  n: number,
  during?: () => Promise<void>,
  from: NetnsInfo = ctx.topo.client,
): Promise<Json> {
  const c = await startChurnAgent(ctx.topo, from, [
    'connect',
    '--host',
    ctx.topo.server.ip4,
    '--port',
    String(PORT),
    '--count',
    String(n),
  ]);
  ctx.pids.client.timedClient = c.pid;
  if (during) await during();
  const out = await c.output(30_000);
  const line = out.split('\n').find((l) => l.startsWith('{"connectUs"'));
  if (!line) throw new Error(`churn connect printed no result: ${out} ${c.stderr}`);
  return JSON.parse(line) as Json;
}
