// The scenarios: each reproduces one problem from the seeds with real TCP traffic between two lab netns, and the
// runner reads the ground truth from the kernel (counter deltas, sockstat, ss census) of both netns.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Agent, ensureChurnBinary, startChurnAgent, startNodeAgent, type Json } from './agent.js';
import { counterDeltas, expectedSynSchedule, parseSsListeners, parseSsOwners } from './procfs.js';
import { checkPrerequisites, createTopology, type LabTopology } from './topology.js';
import type { GroundTruth, NetnsInfo, NsTruth, ScenarioName, ScenarioOptions, Topology } from './types.js';

export const PORT = 8080;
export const CLOSED_PORT = 8081;

type Variant = Record<string, string | number | boolean>;

interface Ctx {
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

interface ScenarioDef {
  needs?: { hping3?: boolean; cc?: boolean };
  /** Upper bound on the whole run (setup + traffic + teardown). */
  timeoutMs(ctx: Ctx): number;
  setup(ctx: Ctx): Promise<void>;
  traffic(ctx: Ctx): Promise<void>;
}

// ---------- helpers ----------
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function num(v: Variant, key: string, def: number): number {
  const x = v[key];
  if (x === undefined || x === false) return def;
  const n = Number(x);
  if (!Number.isFinite(n)) throw new Error(`variant ${key} must be a number, got ${String(x)}`);
  return n;
}
function flag(v: Variant, key: string): boolean {
  const x = v[key];
  return x === true || x === 'true' || x === 1 || x === '1';
}
function count(m: Json, key: string): number {
  const x = m[key];
  return typeof x === 'number' ? x : 0;
}
function errCounts(m: Json): Record<string, number> {
  const e = m.errors;
  const out: Record<string, number> = {};
  if (e && typeof e === 'object') for (const [k, v] of Object.entries(e)) if (typeof v === 'number') out[k] = v;
  return out;
}

async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function startServer(ctx: Ctx, args: string[]): Promise<Agent> {
  const a = startNodeAgent(ctx.topo, ctx.topo.server, 'server.mjs', ['--port', String(PORT), ...args]);
  await a.ready();
  ctx.server = a;
  ctx.pids.server.serverAgent = a.pid;
  return a;
}

async function startClient(ctx: Ctx): Promise<Agent> {
  const a = startNodeAgent(ctx.topo, ctx.topo.client, 'client.mjs');
  await a.ready();
  ctx.client = a;
  ctx.pids.client.clientAgent = a.pid;
  return a;
}

function clientOf(ctx: Ctx): Agent {
  if (!ctx.client) throw new Error('no client agent');
  return ctx.client;
}

async function connect(
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
async function connectBoth(
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

async function listener(topo: Topology, port: number): Promise<{ recvQ: number; sendQ: number } | undefined> {
  const r = await topo.exec(topo.server, 'ss', ['-ltnH']);
  return parseSsListeners(r.stdout).find((l) => l.port === port);
}

async function nftCounter(topo: Topology, ns: NetnsInfo, table: string): Promise<number> {
  const r = await topo.exec(ns, 'nft', ['list', 'table', 'inet', table]);
  let n = 0;
  for (const m of r.stdout.matchAll(/counter packets (\d+)/g)) n += Number(m[1]);
  return n;
}

/** nft rule matching a pure ACK (only the ACK flag among fin/syn/rst/psh/ack): the final ACK of a handshake. */
const PURE_ACK = 'tcp flags & (fin|syn|rst|psh|ack) == ack';

// ---------- scenarios ----------
const DEFS: Record<ScenarioName, ScenarioDef> = {
  'accept-overflow': {
    needs: { cc: true },
    timeoutMs: (ctx) => 40_000 + (ctx.opts.durationMs ?? 0),
    async setup(ctx) {
      const { topo, variant } = ctx;
      const backlog = num(variant, 'backlog', 2);
      const retries = num(variant, 'synackRetries', 2);
      await topo.setSysctl(topo.server, 'net.ipv4.tcp_synack_retries', retries);
      if (flag(variant, 'abortOnOverflow')) await topo.setSysctl(topo.server, 'net.ipv4.tcp_abort_on_overflow', 1);
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
      await startClient(ctx);
      ctx.asserted.server.push(
        'TcpExtListenOverflows',
        'TcpExtListenDrops',
        'TcpExtTCPSynRetrans',
        'TcpOutRsts',
        'TcpPassiveOpens',
      );
      ctx.asserted.client.push('TcpEstabResets', 'TcpExtTCPSynRetrans', 'TcpActiveOpens');
    },
    async traffic(ctx) {
      const { topo, variant, measured } = ctx;
      const backlog = num(variant, 'backlog', 2);
      const retries = num(variant, 'synackRetries', 2);
      const late = num(variant, 'late', 3);
      const abort = flag(variant, 'abortOnOverflow');
      // Phase A: fill the accept queue up to `backlog` (not yet full: full means ack_backlog > backlog).
      const a = await connect(ctx, { host: topo.server.ip4, count: backlog, after: 'hold', concurrency: 1 });
      if (count(a, 'connected') !== backlog) throw new Error(`prefill: ${JSON.stringify(a)}`);
      // Phase B: backlog+1 handshakes whose final ACK is dropped (client netns output) → requests wait in the SYN
      // queue. The veth delivers synchronously, so without this a "burst" would just be sequential handshakes.
      await topo.nft(
        topo.client,
        `table inet tslab_ack {\n chain out {\n  type filter hook output priority 0; policy accept;\n  ip daddr ${topo.server.ip4} tcp dport ${PORT} ${PURE_ACK} counter drop\n }\n}\n`,
      );
      const b = await connect(ctx, { host: topo.server.ip4, count: backlog + 1, after: 'hold' });
      measured.finalAcksDropped = await nftCounter(topo, topo.client, 'tslab_ack');
      await topo.nft(topo.client, 'delete table inet tslab_ack\n');
      measured.prefilled = backlog;
      measured.ackDroppedRequests = count(b, 'connected');
      // ~1 s later the SYN-ACK retransmits arrive, the client re-ACKs: one request fills the queue (backlog+1), the
      // other `backlog` overflow (ListenOverflows): kept and retransmitted (abort_on_overflow=0) or reset (=1).
      await waitUntil('accept queue full', async () => (await listener(topo, PORT))?.recvQ === backlog + 1, 6000);
      const lq = await listener(topo, PORT);
      measured.acceptQueueLen = lq?.recvQ ?? -1;
      measured.acceptQueueCapacity = lq?.sendQ ?? -1;
      // Phase C: SYNs while the accept queue is full are dropped (ListenOverflows + ListenDrops), clients retransmit.
      const c = await connect(ctx, { host: topo.server.ip4, count: late, after: 'hold', settleMs: 300 });
      measured.lateConnectsPending = count(c, 'pending');
      const tC = performance.now();
      await waitUntil(
        'SYN_RECV requests gone',
        async () => (await topo.census(topo.server)).SYN_RECV === 0,
        20_000,
        200,
      );
      const minEnd = Math.max(tC + 2000, ctx.t0 + (ctx.opts.durationMs ?? 0));
      if (performance.now() < minEnd) await sleep(minEnd - performance.now());
      // Stop the late SYNs before reading counters so server ListenOverflows and client SYN retransmits stay paired.
      await clientOf(ctx).request({ op: 'destroyPending' });
      const st = await clientOf(ctx).request({ op: 'stats' });
      const errs = errCounts(st);
      measured.clientECONNRESET = errs.ECONNRESET ?? 0;
      measured.lateConnects = late;
      measured.synackRetries = retries;
      measured.abortOnOverflow = abort ? 1 : 0;
      measured.expectedSynAckRetrans = abort ? backlog + 1 : backlog + 1 + backlog * (retries - 1);
      measured.expectedAckOverflows = abort ? backlog : backlog * retries;
      measured.expectedClientResets = abort ? backlog : 0;
    },
  },

  'synack-retrans': {
    timeoutMs: () => 45_000,
    async setup(ctx) {
      const { topo, variant } = ctx;
      await topo.setSysctl(topo.server, 'net.ipv4.tcp_synack_retries', num(variant, 'synackRetries', 2));
      await startServer(ctx, ['--backlog', '128', '--mode', 'hold']);
      // The client's final ACK is dropped on its way into the server netns.
      await topo.nft(
        topo.server,
        `table inet tslab {\n chain in {\n  type filter hook input priority 0; policy accept;\n  tcp dport ${PORT} ${PURE_ACK} counter drop\n }\n}\n`,
      );
      await startClient(ctx);
      ctx.asserted.server.push('TcpExtTCPSynRetrans', 'TcpRetransSegs', 'TcpPassiveOpens', 'TcpExtListenOverflows');
      ctx.asserted.client.push('TcpActiveOpens', 'TcpExtTCPSynRetrans');
    },
    async traffic(ctx) {
      const { topo, variant, measured } = ctx;
      const retries = num(variant, 'synackRetries', 2);
      const requests = num(variant, 'requests', 8);
      const t = performance.now();
      const r = await connectBoth(ctx, { count: requests, after: 'hold' });
      measured.requests = count(r.v4, 'connected') + count(r.v6, 'connected');
      measured.synRecvPeak = (await topo.census(topo.server)).SYN_RECV ?? 0;
      const lifetime = (2 ** (retries + 1) - 1) * 1000;
      await waitUntil(
        'requests to expire',
        async () => (await topo.census(topo.server)).SYN_RECV === 0,
        lifetime + 5000,
        100,
      );
      measured.requestLifetimeMs = Math.round(performance.now() - t);
      measured.expectedRequestLifetimeMs = lifetime;
      measured.synackRetries = retries;
      measured.expectedSynAckRetrans = requests * retries;
      measured.finalAcksDropped = await nftCounter(topo, topo.server, 'tslab');
    },
  },

  'syn-timeout': {
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
      const fails = [
        ...((r.v4.failMs as number[] | undefined) ?? []),
        ...((r.v6.failMs as number[] | undefined) ?? []),
      ];
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
  },

  'syn-flood': {
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
        throw new Error(
          `hping3 sent ${String(measured.synsSent)} of ${n} SYNs (exit ${r.exitCode}): ${r.stderr.trim()}`,
        );
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
  },

  'rst-closed-port': {
    timeoutMs: () => 30_000,
    async setup(ctx) {
      await startServer(ctx, ['--mode', 'close']);
      await startClient(ctx);
      ctx.asserted.server.push('TcpOutRsts', 'TcpPassiveOpens', 'TcpInSegs');
      ctx.asserted.client.push('TcpAttemptFails', 'TcpActiveOpens', 'TcpEstabResets');
    },
    async traffic(ctx) {
      const { variant, measured } = ctx;
      const n = num(variant, 'count', 20);
      const r = await connectBoth(ctx, { port: CLOSED_PORT, count: n, after: 'hold', concurrency: 4 });
      measured.connects = n;
      measured.closedPort = CLOSED_PORT;
      measured.clientECONNREFUSED = (errCounts(r.v4).ECONNREFUSED ?? 0) + (errCounts(r.v6).ECONNREFUSED ?? 0);
      measured.refusedV4 = errCounts(r.v4).ECONNREFUSED ?? 0;
      measured.refusedV6 = errCounts(r.v6).ECONNREFUSED ?? 0;
      measured.connected = count(r.v4, 'connected') + count(r.v6, 'connected');
    },
  },

  'time-wait': {
    timeoutMs: () => 30_000,
    async setup(ctx) {
      const { topo, variant } = ctx;
      if (variant.maxTwBuckets !== undefined)
        await topo.setSysctl(topo.client, 'net.ipv4.tcp_max_tw_buckets', num(variant, 'maxTwBuckets', 0));
      await startServer(ctx, ['--mode', 'close']);
      await startClient(ctx);
      ctx.asserted.client.push('TcpExtTCPTimeWaitOverflow', 'TcpActiveOpens');
      ctx.asserted.server.push('TcpPassiveOpens', 'TcpExtTCPTimeWaitOverflow');
    },
    async traffic(ctx) {
      const { topo, variant, measured } = ctx;
      const n = num(variant, 'connections', 200);
      const r = await connectBoth(ctx, { count: n, after: 'destroy', concurrency: 4 });
      measured.connections = count(r.v4, 'connected') + count(r.v6, 'connected');
      // Wait for every close to finish (client FIN_WAIT* → TIME_WAIT, server CLOSE_WAIT/LAST_ACK → gone).
      await waitUntil(
        'closes to complete',
        async () => {
          const [c, s] = await Promise.all([topo.census(topo.client), topo.census(topo.server)]);
          const busy = (x: Record<string, number>): number =>
            (x.ESTABLISHED ?? 0) +
            (x.FIN_WAIT1 ?? 0) +
            (x.FIN_WAIT2 ?? 0) +
            (x.CLOSE_WAIT ?? 0) +
            (x.LAST_ACK ?? 0) +
            (x.CLOSING ?? 0);
          return busy(c) === 0 && busy(s) === 0;
        },
        10_000,
      );
      const max = variant.maxTwBuckets !== undefined ? num(variant, 'maxTwBuckets', 0) : Infinity;
      measured.expectedTimeWait = Math.min(n, max);
      measured.expectedTimeWaitOverflow = Number.isFinite(max) ? Math.max(0, n - max) : 0;
      if (Number.isFinite(max)) measured.maxTwBuckets = max;
    },
  },

  'close-wait-leak': {
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
  },

  'fin-wait2-orphans': {
    timeoutMs: (ctx) => 30_000 + num(ctx.variant, 'finTimeout', 3) * 1000,
    async setup(ctx) {
      const { topo, variant } = ctx;
      await topo.setSysctl(topo.client, 'net.ipv4.tcp_fin_timeout', num(variant, 'finTimeout', 3));
      // The peer keeps its end open forever (never sends its FIN).
      await startServer(ctx, ['--mode', 'hold']);
      await startClient(ctx);
      ctx.asserted.client.push('TcpActiveOpens');
      ctx.asserted.server.push('TcpPassiveOpens');
    },
    async traffic(ctx) {
      const { topo, variant, measured } = ctx;
      const n = num(variant, 'connections', 20);
      const finTimeout = num(variant, 'finTimeout', 3);
      await connectBoth(ctx, { count: n, after: 'destroy' });
      const tClose = performance.now();
      let peak = 0;
      let tPeak = 0;
      let tZero = 0;
      await waitUntil(
        'orphaned FIN_WAIT2 to expire',
        async () => {
          const fw2 = (await topo.census(topo.client)).FIN_WAIT2 ?? 0;
          const now = performance.now();
          if (fw2 > peak) {
            peak = fw2;
            tPeak = now;
          }
          if (peak > 0 && fw2 === 0) {
            tZero = now;
            return true;
          }
          return false;
        },
        finTimeout * 1000 + 15_000,
        50,
      );
      measured.connections = n;
      measured.finWait2Peak = peak;
      measured.finWait2PeakAfterMs = Math.round(tPeak - tClose);
      measured.measuredHoldMs = Math.round(tZero - tClose);
      measured.tcpFinTimeoutMs = finTimeout * 1000;
      measured.serverCloseWait = (await topo.census(topo.server)).CLOSE_WAIT ?? 0;
    },
  },

  churn: {
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
  },
};

// ---------- runner ----------
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  p.catch(() => {});
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`${what} did not finish within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        res(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        rej(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

async function snapshot(
  topo: LabTopology,
): Promise<{ server: Record<string, number>; client: Record<string, number> }> {
  const [server, client] = await Promise.all([topo.counters(topo.server), topo.counters(topo.client)]);
  return { server, client };
}

/** Runs one scenario end to end; the topology is always destroyed unless keepTopology (then the caller destroys it). */
export async function runScenario(
  name: ScenarioName,
  opts: ScenarioOptions = {},
): Promise<GroundTruth & { topology?: Topology }> {
  const def = DEFS[name];
  if (!def) throw new Error(`unknown scenario ${String(name)}; known: ${Object.keys(DEFS).join(', ')}`);
  checkPrerequisites(def.needs ?? {});
  if (def.needs?.cc) await ensureChurnBinary(); // compile outside the scenario's clock
  const topo = await createTopology();
  const ctx: Ctx = {
    topo,
    opts,
    variant: { ...(opts.variant ?? {}) },
    measured: {},
    pids: { server: {}, client: {} },
    asserted: { server: [], client: [] },
    t0: 0,
  };
  let keep = false;
  try {
    const body = async (): Promise<GroundTruth> => {
      await def.setup(ctx);
      if (opts.beforeTraffic) await opts.beforeTraffic(topo);
      const before = await snapshot(topo);
      ctx.t0 = performance.now();
      await def.traffic(ctx);
      const after = await snapshot(topo);
      const durationMs = Math.round(performance.now() - ctx.t0);
      const [sockS, sockC, cenS, cenC] = await Promise.all([
        topo.sockstat(topo.server),
        topo.sockstat(topo.client),
        topo.census(topo.server),
        topo.census(topo.client),
      ]);
      if (opts.afterTraffic) await opts.afterTraffic(topo);
      const ns = (
        side: 'server' | 'client',
        sockstat: Record<string, number>,
        census: Record<string, number>,
      ): NsTruth => {
        const info = topo[side];
        return {
          name: info.name,
          inode: info.inode,
          sysctls: topo.sysctlsSet.get(info.name) ?? {},
          counters: counterDeltas(before[side], after[side], ctx.asserted[side]),
          sockstat,
          census,
          pids: ctx.pids[side],
        };
      };
      return {
        scenario: name,
        variant: ctx.variant,
        server: ns('server', sockS, cenS),
        client: ns('client', sockC, cenC),
        measured: ctx.measured,
        durationMs,
      };
    };
    const truth = await withTimeout(body(), def.timeoutMs(ctx), `scenario ${name}`);
    if (opts.keepTopology) {
      keep = true;
      return { ...truth, topology: topo };
    }
    return truth;
  } finally {
    if (!keep) await topo.destroy();
  }
}
