// The lab scenarios `tcpscope watch --json` is checked against, shared by the native suite (watch-scenarios.test.ts)
// and the kernel matrix (test/kernels/, where observe() runs inside another kernel and the checks run on the host).
import type { ExpectStatic } from 'vitest';
import {
  runScenario,
  type GroundTruth,
  type NsTruth,
  type ScenarioName,
  type Topology,
} from '../../scripts/lab/index.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import type { Finding } from '../../src/model/finding.js';
import {
  findingsById,
  startWatch,
  sumCounter,
  sumEvents,
  sumTransitions,
  trackNetns,
  type WatchRun,
} from './helpers.js';

type Side = 'server' | 'client';

export interface Observed {
  truth: GroundTruth;
  snaps: Snapshot[];
  /** The lab's census of the watched netns read right after a snapshot, while the scenario's state is alive. */
  labCensus: Record<string, number>;
  /** Live per-netns sysctl values of the watched netns (for the finding's sysctls). */
  values: Record<string, string>;
  stderr: string;
  exitCode: number | undefined;
}

export interface Case {
  title: string;
  scenario: ScenarioName;
  variant?: Record<string, number | boolean>;
  side: Side;
  /** Counter deltas that must equal the lab's ground truth exactly (summed over every snapshot). */
  counters: string[];
  /** Census states in the last snapshot that must equal the lab's census. */
  census: string[];
  /** The finding that must fire and the per-netns sysctls it must name; null: no finding at all may fire. */
  finding: { id: string; sysctls: string[] } | null;
  /** After the traffic, wait (≤ 10 s) until the latest snapshot satisfies this (documented lags). */
  settle?: (s: Snapshot) => boolean;
  /** Scenario-specific exact checks (probe counts, evidence). */
  check(o: Observed, ns: NsTruth, f: Finding | undefined, expect: ExpectStatic): void;
}

export const CASES: Case[] = [
  {
    title: 'accept-overflow',
    scenario: 'accept-overflow',
    side: 'server',
    counters: ['TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPSynRetrans', 'TcpOutRsts', 'TcpPassiveOpens'],
    census: ['ESTABLISHED', 'SYN_RECV', 'LISTEN'],
    finding: {
      id: 'accept-queue-overflow',
      sysctls: ['net.core.somaxconn', 'net.ipv4.tcp_abort_on_overflow', 'net.ipv4.tcp_synack_retries'],
    },
    check(o, ns, f, expect) {
      expect(sumEvents(o.snaps, (e) => e.synackRetrans)).toBe(o.truth.measured.expectedSynAckRetrans);
      expect(sumEvents(o.snaps, (e) => e.synackRetrans)).toBe(ns.counters.TcpExtTCPSynRetrans);
      expect(ns.counters.TcpExtListenOverflows).toBeGreaterThan(0);
      // The listen() backlog (2) is named as the binding limit, below somaxconn.
      expect(f?.evidence.acceptCapacity).toBe(2);
      expect(f?.explanation).toContain('the listen() backlog is the limit');
    },
  },
  {
    title: 'accept-overflow --abort-on-overflow',
    scenario: 'accept-overflow',
    variant: { abortOnOverflow: true },
    side: 'server',
    counters: [
      'TcpExtListenOverflows',
      'TcpExtListenDrops',
      'TcpExtTCPSynRetrans',
      'TcpOutRsts',
      'TcpExtEmbryonicRsts',
    ],
    census: ['ESTABLISHED', 'SYN_RECV'],
    finding: { id: 'accept-queue-overflow', sysctls: ['net.core.somaxconn', 'net.ipv4.tcp_abort_on_overflow'] },
    check(o, ns, f, expect) {
      expect(sumEvents(o.snaps, (e) => e.synackRetrans)).toBe(o.truth.measured.expectedSynAckRetrans);
      expect(sumEvents(o.snaps, (e) => e.resetsSent)).toBe(ns.counters.TcpOutRsts);
      expect(ns.counters.TcpOutRsts).toBe(o.truth.measured.expectedClientResets);
      expect(f?.sysctls.find((s) => s.name === 'net.ipv4.tcp_abort_on_overflow')?.value).toBe('1');
      expect(findingsById(o.snaps).has('resets-after-handshake')).toBe(true);
      // The RSTs are the overflowing final ACKs (reason INVALID_SYN), not every ListenOverflow.
      const attributed = o.snaps
        .filter((s) => (s.counters.TcpOutRsts ?? 0) > 0)
        .map((s) =>
          Number(
            s.findings.find((x) => x.id === 'resets-after-handshake')?.evidence['reason.ACCEPT_QUEUE_OVERFLOW'] ?? 0,
          ),
        );
      expect(attributed.reduce((a, b) => a + b, 0)).toBe(ns.counters.TcpOutRsts);
    },
  },
  {
    title: 'synack-retrans',
    scenario: 'synack-retrans',
    side: 'server',
    counters: ['TcpExtTCPSynRetrans', 'TcpRetransSegs', 'TcpPassiveOpens'],
    census: ['SYN_RECV', 'LISTEN'],
    finding: { id: 'synack-retransmits', sysctls: ['net.ipv4.tcp_synack_retries'] },
    check(o, ns, _f, expect) {
      expect(sumEvents(o.snaps, (e) => e.synackRetrans)).toBe(o.truth.measured.expectedSynAckRetrans);
      expect(sumEvents(o.snaps, (e) => e.synackRetrans)).toBe(ns.counters.TcpExtTCPSynRetrans);
      expect(Math.max(...o.snaps.map((s) => s.census.states.SYN_RECV ?? 0))).toBe(o.truth.measured.synRecvPeak);
    },
  },
  {
    title: 'syn-timeout (client netns)',
    scenario: 'syn-timeout',
    side: 'client',
    counters: ['TcpExtTCPSynRetrans', 'TcpAttemptFails', 'TcpExtTCPAbortOnTimeout', 'TcpActiveOpens'],
    census: ['SYN_SENT'],
    finding: { id: 'syn-retransmits', sysctls: ['net.ipv4.tcp_syn_retries', 'net.ipv4.tcp_syn_linear_timeouts'] },
    check(o, ns, f, expect) {
      expect(sumEvents(o.snaps, (e) => e.synRetrans)).toBe(ns.counters.TcpExtTCPSynRetrans);
      expect(ns.counters.TcpExtTCPSynRetrans).toBe(o.truth.measured.expectedSynRetrans);
      expect(f?.evidence.connectGiveUpS).toBe(Number(o.truth.measured.expectedGiveUpMs) / 1000);
      // No RST was sent: a SYN timeout is not a reset (TCPAbortOnTimeout counts it anyway).
      expect(findingsById(o.snaps).has('resets-after-handshake')).toBe(false);
    },
  },
  ...([1, 0, 2] as const).map((syncookies): Case => ({
    title: `syn-flood --syncookies ${syncookies}`,
    scenario: 'syn-flood',
    variant: { syncookies },
    side: 'server',
    counters: [
      'TcpExtTCPReqQFullDoCookies',
      'TcpExtSyncookiesSent',
      'TcpExtTCPReqQFullDrop',
      'TcpExtListenDrops',
      'TcpExtListenOverflows',
    ],
    census: ['SYN_RECV', 'LISTEN'],
    finding:
      syncookies === 0
        ? { id: 'syn-queue-overflow', sysctls: ['net.ipv4.tcp_syncookies', 'net.ipv4.tcp_max_syn_backlog'] }
        : { id: 'syn-flood', sysctls: ['net.ipv4.tcp_syncookies', 'net.core.somaxconn'] },
    check(o, ns, f, expect) {
      expect(f?.sysctls.find((s) => s.name === 'net.ipv4.tcp_syncookies')?.value).toBe(String(syncookies));
      if (syncookies === 0) expect(f?.evidence.reqQFullDrop).toBeGreaterThan(0);
      else expect(f?.severity).toBe('critical'); // no cookie came back: a flood
      expect(ns.census.SYN_RECV).toBe(o.truth.measured.expectedSynRecv);
    },
  })),
  {
    title: 'syn-flood --syncookies 0 --max-syn-backlog 16',
    scenario: 'syn-flood',
    variant: { syncookies: 0, maxSynBacklog: 16 },
    side: 'server',
    counters: ['TcpExtTCPReqQFullDrop', 'TcpExtListenDrops', 'TcpExtListenOverflows'],
    census: ['SYN_RECV'],
    finding: { id: 'syn-queue-overflow', sysctls: ['net.ipv4.tcp_syncookies', 'net.ipv4.tcp_max_syn_backlog'] },
    check(o, ns, f, expect) {
      expect(f?.sysctls.find((s) => s.name === 'net.ipv4.tcp_max_syn_backlog')?.value).toBe('16');
      const drops = o.snaps.flatMap((s) =>
        s.findings
          .filter((x) => x.id === 'syn-queue-overflow' && s.counters.TcpExtListenDrops)
          .map((x) => x.evidence.synBacklogDrops),
      );
      expect(drops.reduce((a: number, b) => a + Number(b), 0)).toBe(ns.counters.TcpExtListenDrops);
    },
  },
  {
    title: 'rst-closed-port',
    scenario: 'rst-closed-port',
    side: 'server',
    counters: ['TcpOutRsts'],
    census: ['LISTEN'],
    finding: { id: 'resets-after-handshake', sysctls: ['net.ipv4.tcp_abort_on_overflow'] },
    check(o, ns, f, expect) {
      const noSocket = o.snaps.reduce((t, s) => t + (s.events.resetsSentByReason.NO_SOCKET ?? 0), 0);
      expect(sumEvents(o.snaps, (e) => e.resetsSent)).toBe(ns.counters.TcpOutRsts);
      expect(noSocket).toBe(o.truth.measured.clientECONNREFUSED);
      expect(noSocket).toBe(ns.counters.TcpOutRsts);
      expect(f).toBeDefined();
      // Every RST is named by the finding of the interval whose probes saw it. Summed over those intervals, not the
      // last firing: an interval whose counters moved after its probe batch (seen under QEMU) fires from TcpOutRsts
      // alone, without reasons, and a finding is kept (unchanged) for a few quiet intervals after it fired.
      const named = o.snaps
        .filter((s) => s.events.resetsSent > 0)
        .flatMap((s) => s.findings.filter((x) => x.id === 'resets-after-handshake'));
      expect(named.reduce((t, x) => t + Number(x.evidence['reason.NO_SOCKET'] ?? 0), 0)).toBe(noSocket);
    },
  },
  {
    title: 'time-wait (client netns)',
    scenario: 'time-wait',
    side: 'client',
    variant: { connections: 200 },
    counters: ['TcpActiveOpens', 'TcpExtTCPTimeWaitOverflow'],
    census: ['TIME_WAIT'],
    finding: null, // 200 TIME_WAIT under default limits is no pressure: nothing may fire
    check(o, ns, _f, expect) {
      const t = sumTransitions(o.snaps);
      expect(t['CLOSE->SYN_SENT']).toBe(ns.counters.TcpActiveOpens);
      expect(t['SYN_SENT->ESTABLISHED']).toBe(o.truth.measured.connections);
      // Into TIME_WAIT: FIN_WAIT2->CLOSE (or CLOSING->CLOSE after a simultaneous close). The lab's census is read as
      // the traffic ends, while the last FIN exchanges may still be in flight, and the tracepoint does not report
      // every path into TIME_WAIT (tcpstates agrees with our probes there): bounds, not equality, on this one.
      const intoTw = (t['FIN_WAIT2->CLOSE'] ?? 0) + (t['CLOSING->CLOSE'] ?? 0);
      expect(intoTw).toBeLessThanOrEqual(Number(o.truth.measured.connections));
      expect(intoTw).toBeGreaterThan(Number(o.truth.measured.connections) * 0.8);
    },
  },
  {
    title: 'time-wait --max-tw-buckets 5 (client netns)',
    scenario: 'time-wait',
    side: 'client',
    variant: { maxTwBuckets: 5 },
    counters: ['TcpActiveOpens', 'TcpExtTCPTimeWaitOverflow', 'TcpOutRsts'],
    census: ['TIME_WAIT'],
    finding: { id: 'time-wait-pressure', sysctls: ['net.ipv4.tcp_max_tw_buckets'] },
    check(o, ns, f, expect) {
      const t = sumTransitions(o.snaps);
      expect(t['CLOSE->SYN_SENT']).toBe(ns.counters.TcpActiveOpens);
      expect(ns.census.TIME_WAIT).toBe(5);
      expect(f?.sysctls.find((s) => s.name === 'net.ipv4.tcp_max_tw_buckets')?.value).toBe('5');
      // Each interval's finding reports that interval's overflows: together, the kernel's count.
      const per = o.snaps.map((s) =>
        Number(
          s.findings.find((x) => x.id === 'time-wait-pressure' && (s.counters.TcpExtTCPTimeWaitOverflow ?? 0) > 0)
            ?.evidence.timeWaitOverflow ?? 0,
        ),
      );
      expect(per.reduce((a, b) => a + b, 0)).toBe(ns.counters.TcpExtTCPTimeWaitOverflow);
      // The client's RSTs: the server retransmits its FIN to connections that got no TIME_WAIT socket.
      const noSocket = o.snaps.reduce((t, s) => t + (s.events.resetsSentByReason.NO_SOCKET ?? 0), 0);
      expect(noSocket).toBe(ns.counters.TcpOutRsts);
    },
  },
  {
    title: 'close-wait-leak',
    scenario: 'close-wait-leak',
    side: 'server',
    counters: ['TcpPassiveOpens'],
    census: ['CLOSE_WAIT'],
    finding: { id: 'close-wait-leak', sysctls: [] },
    // Owners of sockets that appear after a /proc/*/fd rescan are found by the next rescan, ≤ 5 s later (owners.ts).
    settle: (s) =>
      s.census.owners.filter((x) => x.state === 'CLOSE_WAIT').reduce((t, x) => t + x.count, 0) ===
      (s.census.states.CLOSE_WAIT ?? -1),
    check(o, _ns, f, expect) {
      const last = o.snaps[o.snaps.length - 1]!;
      const pid = Number(o.truth.measured.ownerPid);
      const first = o.snaps.find((s) => s.census.owners.some((x) => x.state === 'CLOSE_WAIT'));
      const firstCw = o.snaps.find((s) => (s.census.states.CLOSE_WAIT ?? 0) > 0);
      // The /proc/*/fd owner scan runs in the background (a poll waits for it at most 200 ms), so on a loaded
      // machine the owner may be named one or two intervals after the sockets first show.
      expect(first, 'owner pid/comm named').toBeDefined();
      expect(first!.seq - firstCw!.seq, 'owner named within 3 snapshots of the first CLOSE_WAIT').toBeLessThanOrEqual(
        3,
      );
      expect(first?.census.owners.find((x) => x.state === 'CLOSE_WAIT')).toMatchObject({ pid, comm: 'node' });
      expect(last.census.owners).toContainEqual({
        state: 'CLOSE_WAIT',
        pid,
        comm: 'node',
        count: o.labCensus.CLOSE_WAIT,
      });
      expect(f?.evidence.pid).toBe(pid);
      expect(f?.evidence.comm).toBe('node');
      expect(f?.title).toContain(String(pid));
    },
  },
  {
    title: 'fin-wait2-orphans (client netns)',
    scenario: 'fin-wait2-orphans',
    side: 'client',
    variant: { connections: 120 },
    counters: ['TcpActiveOpens'],
    census: ['FIN_WAIT2', 'TIME_WAIT'],
    finding: { id: 'fin-wait2-orphans', sysctls: ['net.ipv4.tcp_fin_timeout'] },
    check(o, ns, f, expect) {
      expect(Math.max(...o.snaps.map((s) => s.census.states.FIN_WAIT2 ?? 0))).toBe(o.truth.measured.finWait2Peak);
      expect(
        Math.max(
          ...o.snaps.flatMap((s) =>
            s.findings.filter((x) => x.id === 'fin-wait2-orphans').map((x) => Number(x.evidence.orphaned)),
          ),
        ),
      ).toBe(o.truth.measured.finWait2Peak);
      expect(sumTransitions(o.snaps)['FIN_WAIT1->FIN_WAIT2']).toBe(o.truth.measured.connections);
      expect(ns.census.FIN_WAIT2).toBe(0);
    },
  },
];

/**
 * At most 3 scenarios (each a lab run + watch + bpftrace) at once: on 2 shared cores more makes bpftrace's attach so
 * slow that the lab's own scenario timeout (30 s, attach included) fires.
 */
let running = 0;
const queue: (() => void)[] = [];
export async function limited<T>(f: () => Promise<T>): Promise<T> {
  if (running >= 3)
    await new Promise<void>((r) => queue.push(r)); // the slot is handed over, not re-counted
  else running++;
  try {
    return await f();
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

/** Runs one scenario with watch attached to the chosen netns for the whole counted window. */
export async function observe(c: Case): Promise<Observed> {
  let run: WatchRun | undefined;
  let labCensus: Record<string, number> = {};
  const values: Record<string, string> = {};
  let exitCode: number | undefined;
  try {
    const truth = await runScenario(c.scenario, {
      variant: c.variant,
      beforeTraffic: async (topo: Topology) => {
        trackNetns(topo.server.name, topo.client.name);
        run = startWatch(topo[c.side].name);
        await run.attached;
      },
      afterTraffic: async (topo: Topology) => {
        // The last probe tick and its poll after the traffic, then the lab census next to that snapshot.
        await run!.moreSnapshots(2);
        const end = Date.now() + 10_000;
        while (c.settle && !c.settle(run!.snapshots[run!.snapshots.length - 1]!) && Date.now() < end)
          await run!.moreSnapshots(1);
        labCensus = await topo.census(topo[c.side]);
        for (const name of c.finding?.sysctls ?? [])
          values[name] = (await topo.exec(topo[c.side], 'sysctl', ['-n', name])).stdout.trim();
        exitCode = await run!.stop();
      },
    });
    return { truth, snaps: run!.snapshots, labCensus, values, stderr: run!.stderr(), exitCode };
  } finally {
    if (run && run.child.exitCode === null) await run.stop();
  }
}

export function report(c: Case, o: Observed): string {
  const ns = o.truth[c.side];
  const rows = c.counters.map((k) => `${k} ${sumCounter(o.snaps, k)}/${ns.counters[k] ?? 0}`);
  const reasons: Record<string, number> = {};
  for (const s of o.snaps)
    for (const [k, v] of Object.entries(s.events.resetsSentByReason)) reasons[k] = (reasons[k] ?? 0) + v;
  const det = o.snaps
    .flatMap((s) => s.events.details)
    .reduce<Record<string, number>>((m, d) => ({ ...m, [d.kind]: (m[d.kind] ?? 0) + 1 }), {});
  const ev = `details ${JSON.stringify(det)} synack ${sumEvents(o.snaps, (e) => e.synackRetrans)} syn ${sumEvents(o.snaps, (e) => e.synRetrans)} rst ${sumEvents(o.snaps, (e) => e.resetsSent)} ${JSON.stringify(reasons)} transitions ${JSON.stringify(sumTransitions(o.snaps))}`;
  const cen = c.census.map((k) => `${k} ${o.snaps[o.snaps.length - 1]?.census.states[k] ?? 0}/${o.labCensus[k] ?? 0}`);
  return `${c.title}: counters(watch/lab) ${rows.join(', ')}; events ${ev}; census ${cen.join(', ')}; findings ${[...findingsById(o.snaps).keys()].join(',')}; measured ${JSON.stringify(o.truth.measured)}`;
}

/** Every check of one case on what observe() returned: exit code, modes, counters, census, finding and its sysctls. */
export function assertObserved(c: Case, o: Observed, expect: ExpectStatic): void {
  const ns = o.truth[c.side];
  console.log(report(c, o));
  expect(o.exitCode).toBe(130); // SIGINT, as after Ctrl-C (src/cli/shutdown.ts)
  expect(o.snaps.length).toBeGreaterThan(2);
  for (const s of o.snaps) {
    expect(s.mode).toBe('ebpf');
    expect(s.netns.inode).toBe(ns.inode);
    expect(s.gaps).toEqual([]);
    expect(s.notes).toEqual([]);
  }
  // Counter deltas: the sum of every snapshot's delta equals what the kernel counted in the traffic window.
  const observed = Object.fromEntries(c.counters.map((k) => [k, sumCounter(o.snaps, k)]));
  const expected = Object.fromEntries(c.counters.map((k) => [k, ns.counters[k] ?? 0]));
  expect(observed, report(c, o)).toEqual(expected);
  // Census: the last snapshot equals the lab's census read next to it, and the lab's final census.
  const last = o.snaps[o.snaps.length - 1]!;
  for (const k of c.census) {
    expect(last.census.states[k] ?? 0, `census ${k}`).toBe(o.labCensus[k] ?? 0);
    expect(last.census.states[k] ?? 0, `census ${k} vs ground truth`).toBe(ns.census[k] ?? 0);
  }
  // The finding that explains the scenario, naming the per-netns value of the settings involved.
  const found = findingsById(o.snaps);
  if (c.finding === null) {
    expect([...found.keys()], report(c, o)).toEqual([]);
    c.check(o, ns, undefined, expect);
    return;
  }
  const f = found.get(c.finding.id);
  expect(f, report(c, o)).toBeDefined();
  for (const name of c.finding.sysctls) {
    expect(
      f!.sysctls.find((s) => s.name === name),
      `${c.finding.id} names ${name}`,
    ).toMatchObject({ name, value: o.values[name] });
    if (ns.sysctls[name] !== undefined) expect(o.values[name]).toBe(ns.sysctls[name]);
  }
  c.check(o, ns, f!, expect);
}
