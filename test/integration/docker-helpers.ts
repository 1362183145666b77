// Helpers of the real-Docker tests (docker-names, docker-wholehost): the container netns's own kernel counters, the
// CLI run with the lab's DOCKER_HOST, and an accept-queue overflow driven into a lab container from the lab client.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { parseProcPairs, startNodeAgent, type LabContainer, type LabDocker } from '../../scripts/lab/index.js';
import { CLI } from './helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** /proc/PID/net/{snmp,netstat} of a process inside the container: the kernel's own counters of its netns. */
export const kernelCounters = (pid: number): Record<string, number> => ({
  ...parseProcPairs(readFileSync(`/proc/${pid}/net/snmp`, 'utf8')),
  ...parseProcPairs(readFileSync(`/proc/${pid}/net/netstat`, 'utf8')),
});

/** `tcpscope ARGS` with `env` only (plus NO_COLOR), 60 s at most. */
export async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  const r = await execa('node', [CLI, ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * 12 concurrent connects to a container whose accept queue holds 3 (nobody accepts): the rest overflow it. Returns
 * once the container's counters stopped moving (retransmits of the destroyed SYNs ended).
 */
export async function overflowAcceptQueue(lab: LabDocker, c: LabContainer, port = 8080): Promise<void> {
  const client = startNodeAgent(lab.topo, lab.topo.client, 'client.mjs');
  try {
    await client.ready();
    await client.request(
      { op: 'connect', host: c.ip4, port, count: 12, concurrency: 12, after: 'hold', settleMs: 2500 },
      20_000,
    );
    await client.request({ op: 'destroyAll' }, 10_000);
  } finally {
    client.child.kill('SIGKILL');
  }
  let last = JSON.stringify(kernelCounters(c.pid));
  for (let i = 0; i < 40; i++) {
    await sleep(500);
    const now = JSON.stringify(kernelCounters(c.pid));
    if (now === last) return;
    last = now;
  }
}
