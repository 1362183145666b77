// Scenario accept-overflow: accept queue full: a listener with a tiny backlog that never accepts, final ACKs overflowing it.
import { performance } from 'node:perf_hooks';
import { startChurnAgent } from '../agent.js';
import {
  PORT,
  PURE_ACK,
  type ScenarioDef,
  clientOf,
  connect,
  count,
  errCounts,
  flag,
  listener,
  nftCounter,
  num,
  sleep,
  startClient,
  waitUntil,
} from './helpers.js';

export const acceptOverflow: ScenarioDef = {
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
    // Only the FIRST pure ACK of each client port is dropped (the port goes into @acked): the re-ACK answering the
    // retransmitted SYN-ACK passes even if this table is still there then (a slow machine, e.g. a QEMU guest, can
    // take longer than the 1 s SYN-ACK timer to get to the delete below).
    await topo.nft(
      topo.client,
      `table inet tslab_ack {\n set acked {\n  type inet_service\n  flags dynamic\n }\n chain out {\n  type filter hook output priority 0; policy accept;\n  ip daddr ${topo.server.ip4} tcp dport ${PORT} tcp sport @acked accept\n  ip daddr ${topo.server.ip4} tcp dport ${PORT} ${PURE_ACK} add @acked { tcp sport } counter drop\n }\n}\n`,
    );
    const before = await topo.counters(topo.server);
    const b = await connect(ctx, { host: topo.server.ip4, count: backlog + 1, after: 'hold' });
    // Requests the SYN queue took: before 6.12 (and its stable backports) a SYN queue is full AT min(backlog,
    // somaxconn), not past it, so on e.g. 5.10.223 the last of these SYNs is answered with a syncookie instead.
    const after = await topo.counters(topo.server);
    const cookies = (after.TcpExtTCPReqQFullDoCookies ?? 0) - (before.TcpExtTCPReqQFullDoCookies ?? 0);
    const queued = backlog + 1 - cookies;
    if (queued < 1) throw new Error(`burst: every SYN answered with a cookie (${cookies})`);
    measured.finalAcksDropped = await nftCounter(topo, topo.client, 'tslab_ack');
    await topo.nft(topo.client, 'delete table inet tslab_ack\n');
    measured.prefilled = backlog;
    measured.ackDroppedRequests = count(b, 'connected');
    // ~1 s later the SYN-ACK retransmits arrive, the client re-ACKs: one request fills the queue (backlog+1), the
    // other queued-1 overflow (ListenOverflows): kept and retransmitted (abort_on_overflow=0) or reset (=1).
    await waitUntil('accept queue full', async () => (await listener(topo, PORT))?.recvQ === backlog + 1, 6000);
    const lq = await listener(topo, PORT);
    measured.acceptQueueLen = lq?.recvQ ?? -1;
    measured.acceptQueueCapacity = lq?.sendQ ?? -1;
    // Phase C: SYNs while the accept queue is full are dropped (ListenOverflows + ListenDrops), clients retransmit.
    const c = await connect(ctx, { host: topo.server.ip4, count: late, after: 'hold', settleMs: 300 });
    measured.lateConnectsPending = count(c, 'pending');
    const tC = performance.now();
    await waitUntil('SYN_RECV requests gone', async () => (await topo.census(topo.server)).SYN_RECV === 0, 20_000, 200);
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
    measured.synQueued = queued;
    measured.burstCookies = cookies;
    // One re-ACKed request fills the queue (backlog+1); the other queued-1 overflow each retransmit (or are reset).
    measured.expectedSynAckRetrans = abort ? queued : queued + (queued - 1) * (retries - 1);
    measured.expectedAckOverflows = abort ? queued - 1 : (queued - 1) * retries;
    measured.expectedClientResets = abort ? queued - 1 : 0;
  },
};
