// What every lab scenario shares: its context (topology, variant, measured values), the agents and the small
// helpers that start servers and clients, connect, and read listeners and nft counters.
import { performance } from 'node:perf_hooks';
import { Agent, startNodeAgent, type Json } from '../agent.js';
import { parseSsListeners } from '../procfs.js';
import type { LabTopology } from '../topology.js';
import type { NetnsInfo, ScenarioOptions, Topology } from '../types.js';

export const PORT = 8080;
export const CLOSED_PORT = 8081;

export type Variant = Record<string, string | number | boolean>;

export interface Ctx {
  topo: LabTopology;
  opts: ScenarioOptions;
  variant: Variant;
  measured: Record<string, number | string>;
  pids: { server: Record<string, number>; client: Record<string, number> };
  /** Counter names always reported (even when the delta is 0) because the scenario asserts them. */
  asserted: { server: string[]; client: string[] };
  /** Performance.now() when traffic started. */
  t0: number;
  server?: Agent;
  client?: Agent;
}

export interface ScenarioDef {
  needs?: { hping3?: boolean; cc?: boolean };
  /** Upper bound on the whole run (setup + traffic + teardown). */
  timeoutMs(ctx: Ctx): number;
  setup(ctx: Ctx): Promise<void>;
  traffic(ctx: Ctx): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function num(v: Variant, key: string, def: number): number {
  const x = v[key];
  if (x === undefined || x === false) return def;
  const n = Number(x);
  if (!Number.isFinite(n)) throw new Error(`variant ${key} must be a number, got ${String(x)}`);
  return n;
}
export function flag(v: Variant, key: string): boolean {
  const x = v[key];
  return x === true || x === 'true' || x === 1 || x === '1';
}
export function count(m: Json, key: string): number {
  const x = m[key];
  return typeof x === 'number' ? x : 0;
}
export function errCounts(m: Json): Record<string, number> {
  const e = m.errors;
  const out: Record<string, number> = {};
  if (e && typeof e === 'object') for (const [k, v] of Object.entries(e)) if (typeof v === 'number') out[k] = v;
  return out;
}

export async function waitUntil(
  what: string,
  cond: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function startServer(ctx: Ctx, args: string[]): Promise<Agent> {
  const a = startNodeAgent(ctx.topo, ctx.topo.server, 'server.mjs', ['--port', String(PORT), ...args]);
  await a.ready();
  ctx.server = a;
  ctx.pids.server.serverAgent = a.pid;
  return a;
}

export async function startClient(ctx: Ctx): Promise<Agent> {
  const a = startNodeAgent(ctx.topo, ctx.topo.client, 'client.mjs');
  await a.ready();
  ctx.client = a;
  ctx.pids.client.clientAgent = a.pid;
  return a;
}

export function clientOf(ctx: Ctx): Agent {
  if (!ctx.client) throw new Error('no client agent');
  return ctx.client;
}

export async function connect(
  ctx: Ctx,
  o: { host: string; port?: number; count: number; after: 'hold' | 'destroy'; concurrency?: number; settleMs?: number },
): Promise<Json> {
  const settleMs = o.settleMs ?? 10_000;
  return clientOf(ctx).request(
    {
      op: 'connect',
      host: o.host,
      port: o.port ?? PORT,
      count: o.count,
      after: o.after,
      concurrency: o.concurrency ?? o.count,
      settleMs,
    },
    settleMs + 10_000,
  );
}

/** Connects split between IPv4 and IPv6 (first half v4), both batches at once. */
export async function connectBoth(
  ctx: Ctx,
  o: { port?: number; count: number; after: 'hold' | 'destroy'; concurrency?: number; settleMs?: number },
): Promise<{ v4: Json; v6: Json }> {
  const n4 = Math.ceil(o.count / 2);
  const [v4, v6] = await Promise.all([
    connect(ctx, { ...o, host: ctx.topo.server.ip4, count: n4 }),
    connect(ctx, { ...o, host: ctx.topo.server.ip6, count: o.count - n4 }),
  ]);
  return { v4, v6 };
}

export async function listener(topo: Topology, port: number): Promise<{ recvQ: number; sendQ: number } | undefined> {
  const r = await topo.exec(topo.server, 'ss', ['-ltnH']);
  return parseSsListeners(r.stdout).find((l) => l.port === port);
}

export async function nftCounter(topo: Topology, ns: NetnsInfo, table: string): Promise<number> {
  const r = await topo.exec(ns, 'nft', ['list', 'table', 'inet', table]);
  let n = 0;
  for (const m of r.stdout.matchAll(/counter packets (\d+)/g)) n += Number(m[1]);
  return n;
}

/** nft rule matching a pure ACK (only the ACK flag among fin/syn/rst/psh/ack): the final ACK of a handshake. */
export const PURE_ACK = 'tcp flags & (fin|syn|rst|psh|ack) == ack';
