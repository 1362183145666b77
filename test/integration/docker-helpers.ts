// Helpers of the real-Docker tests (docker-names, docker-wholehost): the lab's dockerd with one overflowing container
// and its teardown, the container netns's own kernel counters, the CLI run with the lab's DOCKER_HOST, a replay
// without Docker, and an accept-queue overflow driven into a lab container from the lab client.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { expect } from 'vitest';
import {
  parseProcPairs,
  startLabDocker,
  startNodeAgent,
  type LabContainer,
  type LabDocker,
} from '../../scripts/lab/index.js';
import { requireLab, requireRoot } from '../helpers/prereq.js';
import { CLI, assertNothingLeft, killLeftovers, trackNetns } from './helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A DOCKER_HOST no Docker answers on: container names must then come from elsewhere (a recording) or degrade. */
export const NO_DOCKER = 'unix:///nonexistent/docker.sock';

/**
 * The lab's private dockerd (root and the lab are required: missing, the test fails) running container `name`: a
 * listener on 8080 that never accepts; `env` points the CLI at that dockerd. A container that fails to start stops
 * the dockerd again.
 */
export async function startOverflowContainer(
  name: string,
): Promise<{ lab: LabDocker; web: LabContainer; env: Record<string, string> }> {
  await requireRoot();
  await requireLab();
  const lab = await startLabDocker();
  trackNetns(lab.topo.client.name, lab.topo.server.name);
  try {
    // somaxconn=2 set the Docker way caps the listen() backlog (128): the queue holds 3, and the fix is the sysctl.
    const web = await lab.run(name, { backlog: 128, port: 8080, sysctls: { 'net.core.somaxconn': '2' } });
    return { lab, web, env: { DOCKER_HOST: lab.dockerHost } };
  } catch (e) {
    await lab.stop();
    throw e;
  }
}

/**
 * The end of a Docker test file: stops what the tests started and the lab's dockerd, runs `cleanup` (temporary
 * directories), then proves nothing is left: no process, netns or mount of the lab.
 */
export async function stopDockerLab(lab: LabDocker | undefined, cleanup: () => void = () => {}): Promise<void> {
  killLeftovers();
  await lab?.stop();
  cleanup();
  await assertNothingLeft();
  expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(lab?.dir ?? '/nonexistent');
}

/** `replay FILE --json --speed max` with no usable Docker socket (names come from the recording): its JSON lines. */
export async function replayWithoutDocker<T>(file: string): Promise<T[]> {
  const rep = await cli(['replay', file, '--json', '--speed', 'max'], { DOCKER_HOST: NO_DOCKER });
  expect(rep.code, rep.stderr).toBe(0);
  return rep.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
}

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
