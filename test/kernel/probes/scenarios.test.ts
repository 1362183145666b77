// The full probe program in lab scenarios: counts for the scenario's netns equal the ground truth exactly.
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireKernelTracing, requireLab } from '../../helpers/prereq.js';
import { runScenario, PORT, type GroundTruth, type ScenarioName } from '../../../scripts/lab/index.js';
import { detectCapabilities } from '../../../src/kernel/capabilities.js';
import { findTracefs } from '../../../src/kernel/tracefs/tracefs.js';
import { isTickLine, type ProbeBatch } from '../../../src/kernel/probes/index.js';
import { startProbeTrace, type ProbeTrace } from './helpers.js';

const INTERVAL_MS = 500;

interface Traced {
  truth: GroundTruth;
  batches: ProbeBatch[];
  gaps: number;
  badLines: number;
  tcpstates: string;
  tcpstatesLost: boolean;
}

/** Runs a lab scenario with the full probe program attached before traffic (and tcpstates alongside if asked). */
async function traced(
  name: ScenarioName,
  variant: Record<string, number>,
  o: { port?: number; tcpstates?: boolean; clientPorts?: [number, number] } = {},
): Promise<Traced> {
  await requireKernelTracing();
  await requireLab();
  const caps = await detectCapabilities((await findTracefs())!);
  let trace: ProbeTrace | undefined;
  let tcpstates: ResultPromise<{ buffer: true }> | undefined;
  try {
    const truth = await runScenario(name, {
      variant,
      beforeTraffic: async (topo) => {
        // tcpstates is not netns-aware: a private ephemeral port range in the client netns tells our connections apart.
        if (o.clientPorts)
          await topo.setSysctl(topo.client, 'net.ipv4.ip_local_port_range', `${o.clientPorts[0]} ${o.clientPorts[1]}`);
        trace = startProbeTrace(caps, { port: o.port, intervalMs: INTERVAL_MS });
        if (o.tcpstates) {
          tcpstates = execa('tcpstates', ['-w'], {
            reject: false,
            killSignal: 'SIGINT',
            forceKillAfterDelay: 2000,
          }) as ResultPromise<{ buffer: true }>;
          let head = '';
          await new Promise<void>((resolve, reject) => {
            tcpstates!.stdout?.on('data', (c: Buffer) => {
              head += c.toString();
              if (head.includes('OLDSTATE')) resolve();
            });
            setTimeout(() => reject(new Error('tcpstates did not start in 15 s')), 15_000);
          }).catch(async () => undefined);
        }
        await trace.started; // only what happens from the traffic on
      },
      afterTraffic: async () => {
        await trace!.next(isTickLine);
        await trace!.next(isTickLine);
      },
    });
    let out = '';
    let lost = false;
    if (tcpstates) {
      tcpstates.kill('SIGINT');
      const r = await tcpstates;
      out = r.stdout;
      // tcpstates streams every event through a perf buffer and says "lost N events" when it overflows under load.
      lost = /lost \d+ events/i.test(r.stderr);
    }
    return {
      truth,
      batches: trace!.batches,
      gaps: trace!.gaps(),
      badLines: trace!.decoder.stats.badLines,
      tcpstates: out,
      tcpstatesLost: lost,
    };
  } finally {
    tcpstates?.kill('SIGKILL');
    await trace?.stop();
  }
}

/**
 * Transitions of the scenario's connections in tcpstates output. tcpstates is host-wide (no netns filter) and reads
 * per-CPU buffers, so its lines are not in time order and a socket address can be reused between them: lines are
 * therefore attributed by ports, which are unambiguous here because the client netns uses a private port range of
 * this run: client side = local port in the range and remote port PORT, server side = local port PORT and remote
 * port in the range. CLOSE->SYN_SENT fires before the local port is chosen (port 0): it is attributed by the pid of
 * our client agent (connect() runs in process context).
 */
function tcpstatesTransitions(out: string, clientPids: number[], range: [number, number]): Map<string, number> {
  const counts = new Map<string, number>();
  const inRange = (p: number): boolean => p >= range[0] && p <= range[1];
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 11 || f[f.length - 3] !== '->') continue;
    const pid = Number(f[1]);
    const [lport, rport] = [Number(f[f.length - 7]), Number(f[f.length - 5])];
    const k = `${f[f.length - 4]!}->${f[f.length - 2]!}`;
    const ours =
      (k === 'CLOSE->SYN_SENT' && rport === PORT && clientPids.includes(pid)) ||
      (inRange(lport) && rport === PORT) ||
      (lport === PORT && inRange(rport));
    if (ours) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

const sum = <T extends { netns: number; count: number }>(
  rows: T[],
  ns: number,
  pred: (r: T) => boolean = () => true,
): number => rows.filter((r) => r.netns === ns && pred(r)).reduce((s, r) => s + r.count, 0);

describe('full probe program in lab scenarios', () => {
  it('synack-retrans: SYN-ACK retransmits = requests x tcp_synack_retries = TcpExtTCPSynRetrans', async () => {
    const { truth, batches, gaps, badLines } = await traced('synack-retrans', { requests: 4, synackRetries: 2 });
    const ns = truth.server.inode;
    const rows = batches.flatMap((b) => b.synackRetrans);
    const total = sum(rows, ns);
    console.log(
      `synack-retrans: probes ${total}, expected ${String(truth.measured.expectedSynAckRetrans)}, TcpExtTCPSynRetrans ${String(truth.server.counters.TcpExtTCPSynRetrans)}`,
    );
    expect(total).toBe(truth.measured.expectedSynAckRetrans);
    expect(total).toBe(truth.server.counters.TcpExtTCPSynRetrans);
    for (const r of rows.filter((x) => x.netns === ns)) {
      expect(r.lport).toBe(PORT);
      expect(r.acceptCapacity).toBe(128);
      expect(r.synQueue).toBeGreaterThan(0);
    }
    const details = batches.flatMap((b) => b.details).filter((d) => d.kind === 'synack-retrans' && d.netns === ns);
    expect(details).toHaveLength(total);
    expect(
      sum(
        batches.flatMap((b) => b.synRetrans),
        truth.client.inode,
      ),
    ).toBe(truth.client.counters.TcpExtTCPSynRetrans ?? 0);
    expect(gaps).toBe(0);
    expect(badLines).toBe(0);
  });

  it('rst-closed-port: RSTs sent = server OutRsts (NO_SOCKET), RSTs received in SYN_SENT = refused connects', async () => {
    const { truth, batches, gaps } = await traced('rst-closed-port', { count: 10 });
    const sent = batches.flatMap((b) => b.resetsSent);
    const received = batches.flatMap((b) => b.resetsReceived);
    console.log(
      `rst-closed-port: sent ${sum(sent, truth.server.inode)} (OutRsts ${String(truth.server.counters.TcpOutRsts)}), received ${sum(received, truth.client.inode)} (refused ${String(truth.measured.clientECONNREFUSED)})`,
    );
    expect(sum(sent, truth.server.inode)).toBe(truth.server.counters.TcpOutRsts);
    expect(sum(sent, truth.server.inode, (r) => r.reason === 'NO_SOCKET')).toBe(truth.server.counters.TcpOutRsts);
    expect(sum(received, truth.client.inode)).toBe(truth.measured.clientECONNREFUSED);
    expect(sum(received, truth.client.inode, (r) => r.state === 'SYN_SENT')).toBe(truth.measured.clientECONNREFUSED);
    expect(truth.measured.clientECONNREFUSED).toBe(10);
    // Detail lines name the closed port on the server side.
    const det = batches
      .flatMap((b) => b.details)
      .filter((d) => d.kind === 'reset-sent' && d.netns === truth.server.inode);
    expect(det).toHaveLength(10);
    for (const d of det) expect(d.sport).toBe(truth.measured.closedPort);
    expect(gaps).toBe(0);
  });

  it('time-wait: transitions on the service port equal libbpf-tools tcpstates lines of the same run', async () => {
    // The reference itself can drop events on a loaded machine (it says so): then the run is repeated, never trusted.
    let run: Traced | undefined;
    let range: [number, number] = [0, 0];
    for (let attempt = 0; attempt < 3 && (run === undefined || run.tcpstatesLost); attempt++) {
      const lo = 10_000 + Math.floor(Math.random() * 20_000);
      range = [lo, lo + 199];
      run = await traced('time-wait', { connections: 50 }, { port: PORT, tcpstates: true, clientPorts: range });
    }
    const { truth, batches, tcpstates, tcpstatesLost } = run!;
    expect(tcpstatesLost, 'tcpstates lost events in 3 runs: no trustworthy reference').toBe(false);
    const probe = new Map<string, number>();
    for (const t of batches.flatMap((b) => b.transitions)) {
      if (t.netns !== truth.server.inode && t.netns !== truth.client.inode) continue;
      probe.set(`${t.from}->${t.to}`, (probe.get(`${t.from}->${t.to}`) ?? 0) + t.count);
    }
    const ref = tcpstatesTransitions(tcpstates, Object.values(truth.client.pids ?? {}), range);
    const sorted = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m.entries()].sort());
    console.log(`time-wait: probes ${JSON.stringify(sorted(probe))}\ntcpstates ${JSON.stringify(sorted(ref))}`);
    expect(sorted(probe)).toEqual(sorted(ref));
    expect(probe.get('SYN_SENT->ESTABLISHED')).toBe(50);
    expect(probe.get('CLOSE->SYN_SENT')).toBe(truth.client.counters.TcpActiveOpens);
    // Every active close is seen (ESTABLISHED->FIN_WAIT1 = 50). The move into TIME_WAIT shows as FIN_WAIT2->CLOSE
    // (or CLOSING->CLOSE after a simultaneous close) for most sockets, but not always: in some runs both the probes and
    // tcpstates see a few fewer, identically, so the tracepoint does not report every path into TIME_WAIT. The
    // equality with tcpstates above is the exact check; here only what holds on every path.
    expect(probe.get('ESTABLISHED->FIN_WAIT1')).toBe(50);
    const intoTimeWait = (probe.get('FIN_WAIT2->CLOSE') ?? 0) + (probe.get('CLOSING->CLOSE') ?? 0);
    expect(intoTimeWait).toBeLessThanOrEqual(50);
    expect(truth.client.census.TIME_WAIT ?? truth.client.sockstat.tw).toBeLessThanOrEqual(50);
  });
});
