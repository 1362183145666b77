// `tcpscope sysctl` computes when connect() gives up from the netns's live settings: it must match the give-up the
// kernel actually produced in that netns (lab syn-timeout, tcp_syn_retries=2, measured from connect() to ETIMEDOUT).
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../scripts/lab/index.js';
import { requireLab } from '../helpers/prereq.js';
import { assertNothingLeft, CLI, trackNetns } from './helpers.js';

interface Report {
  netns: { inode: number; name?: string };
  timelines: { synGiveUpMs?: number; synRetransmitsAtMs?: number[] };
}

describe('tcpscope sysctl --netns <client> --json vs the measured SYN give-up', () => {
  afterAll(assertNothingLeft, 30_000);

  it('timelines.synGiveUpMs is within 1 s of the give-up the syn-timeout scenario measures', async () => {
    await requireLab();
    let report: Report | undefined;
    let stderr = '';
    const truth = await runScenario('syn-timeout', {
      variant: { synRetries: 2 },
      beforeTraffic: async (topo) => {
        trackNetns(topo.server.name, topo.client.name);
        const r = await execa('node', [CLI, 'sysctl', '--netns', topo.client.name, '--json'], {
          reject: false,
          env: { NO_COLOR: '1' },
        });
        stderr = r.stderr;
        expect(r.exitCode, r.stderr).toBe(0);
        report = JSON.parse(r.stdout) as Report;
      },
    });
    const predicted = report?.timelines.synGiveUpMs;
    const min = Number(truth.measured.giveUpMsMin);
    const max = Number(truth.measured.giveUpMsMax);
    console.log(
      `syn give-up: tcpscope sysctl ${String(predicted)} ms; measured ${min}..${max} ms (tcp_syn_retries=2, tcp_syn_linear_timeouts=${String(truth.measured.tcpSynLinearTimeouts)}); lab model ${String(truth.measured.expectedGiveUpMs)} ms`,
    );
    expect(report?.netns.inode, stderr).toBe(truth.client.inode);
    expect(truth.client.sysctls['net.ipv4.tcp_syn_retries']).toBe('2');
    expect(truth.measured.clientETIMEDOUT).toBe(2);
    expect(predicted).toBeTypeOf('number');
    expect(Math.abs(predicted! - min)).toBeLessThanOrEqual(1000);
    expect(Math.abs(predicted! - max)).toBeLessThanOrEqual(1000);
    // The retransmit schedule has one entry per SYN retransmit the kernel counted per connect.
    expect(report?.timelines.synRetransmitsAtMs).toHaveLength(Number(truth.measured.expectedSynRetransPerConnect));
    expect(truth.client.counters.TcpExtTCPSynRetrans).toBe(2 * (report?.timelines.synRetransmitsAtMs?.length ?? 0));
  }, 90_000);
});
