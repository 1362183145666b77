// Prometheus export on a real accept-queue overflow (lab scenario): /metrics and the textfile match the kernel.
import { describe, expect, it } from 'vitest';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario, PORT } from '../../scripts/lab/index.js';
import { startSession } from '../../src/session/live.js';
import type { LiveSession } from '../../src/model/session.js';
import { isTickLine } from '../../src/kernel/probes/decode.js';
import { startExporter, type Exporter } from '../../src/export/index.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The value of one exposition line `name{labels} value`, undefined if absent. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('export on the accept-overflow lab scenario', () => {
  it('serves the overflow counter, the listener queue and the finding for the server netns', async () => {
    await requireLab();
    await requireKernelTracing();
    const dir = await mkdtemp(join(tmpdir(), 'tcpscope-export-lab-'));
    let session: LiveSession | undefined;
    let exporter: Exporter | undefined;
    let scraped = '';
    let textfile = '';
    let synack = 0;
    const log: string[] = [];
    try {
      const truth = await runScenario('accept-overflow', {
        beforeTraffic: async (topo) => {
          session = await startSession({ netns: topo.server.name, intervalMs: 500 });
          exporter = await startExporter(session.snapshots$, {
            listen: { host: '127.0.0.1', port: 0 },
            textfileDir: dir,
          });
          session.snapshots$.subscribe((x) => {
            synack += x.events.synackRetrans;
            log.push(
              `${x.seq} ovf=${x.counters.TcpExtListenOverflows ?? 0} synretr=${x.counters.TcpExtTCPSynRetrans ?? 0} ebpf=${x.events.synackRetrans} L=${x.census.listeners.map((l) => `${l.port}:${l.queue}/${l.capacity}`).join(',')}`,
            );
          });
          // Traffic only once bpftrace is attached and ticking (snapshots start earlier, from procfs polls).
          await firstValueFrom(
            session.inputs$.pipe(
              filter((i) => i.kind === 'probe' && isTickLine(i.line)),
              timeout(30_000),
            ),
          );
        },
        afterTraffic: async () => {
          await sleep(1500);
          scraped = await (await fetch(`${exporter!.url}/metrics`)).text();
          textfile = await readFile(join(dir, 'tcpscope.prom'), 'utf8');
          expect((await fetch(`${exporter!.url}/healthz`)).status).toBe(200);
          await session!.stop();
        },
      });
      const ns = session!.info.netns.name ?? String(session!.info.netns.inode);
      const server = truth.server;
      const overflows = sample(scraped, `tcpscope_netstat_TcpExt_ListenOverflows_total{netns="${ns}"}`);
      expect(overflows, log.join('\n')).toBeGreaterThan(0);
      // Scraped 1.5 s after traffic, before the truth was read: nothing can be missing, and nothing invented.
      expect(overflows).toBeLessThanOrEqual(server.counters.TcpExtListenOverflows!);
      expect(overflows, log.join('\n')).toBe(server.counters.TcpExtListenOverflows);
      const cap = scraped
        .split('\n')
        .find((l) => l.startsWith(`tcpscope_listener_queue_capacity{netns="${ns}"`) && l.includes(`:${PORT}"`));
      expect(cap, scraped.slice(0, 2000)).toBeDefined();
      expect(Number(cap!.split(' ').pop())).toBe(2);
      // The exported counter is the sum of the snapshots' eBPF SYN-ACK retransmits (the probe's own accuracy against
      // TcpExtTCPSynRetrans is tested with the probes).
      expect(sample(scraped, `tcpscope_synack_retransmits_total{netns="${ns}"}`)).toBe(synack);
      expect(synack).toBeGreaterThan(0);
      expect(sample(scraped, `tcpscope_sockets{netns="${ns}",state="LISTEN"}`)).toBeGreaterThanOrEqual(1);
      expect(textfile).toContain(`tcpscope_netstat_TcpExt_ListenOverflows_total{netns="${ns}"}`);
    } finally {
      await exporter?.close();
      await session?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
