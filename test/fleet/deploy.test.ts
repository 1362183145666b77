// The deployment files run what they say: the systemd unit passes systemd-analyze and its capability set is enough
// (and needed) for eBPF mode on a lab netns; the DaemonSet's args, with its capabilities, serve /metrics and /healthz;
// the PodMonitor selects the DaemonSet's pods; the Containerfile's entrypoint is the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createTopology } from '../../scripts/lab/index.js';
import type { Topology } from '../../scripts/lab/index.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { freePort, waitFor } from './servers.js';

const CLI = resolve('dist/cli/main.js');
const UNIT = 'deploy/systemd/tcpscope.service';
const K8S = 'deploy/kubernetes/tcpscope.yaml';
const CONTAINERFILE = 'deploy/Containerfile';

let dir = '';
let topo: Topology | undefined;
let listenerPid = 0;
const children: ResultPromise[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-deploy-'));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map((c) => c));
  await topo?.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** The parts of the Kubernetes manifests the tests read. */
interface Container {
  args: string[];
  ports: { name: string }[];
  readinessProbe: { httpGet: { path: string } };
  securityContext: Record<string, unknown> & { capabilities: { drop: string[]; add: string[] } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Manifest {
  kind: string;
  spec: {
    template: {
      metadata: { labels: Record<string, string> };
      spec: { hostPID: boolean; containers: Container[]; volumes: { name: string; hostPath?: { path: string } }[] };
    };
    selector: { matchLabels: Record<string, string> };
    podMetricsEndpoints: { port: string }[];
    groups: unknown;
  };
}

/** `Key=value` lines of a unit file (last one wins). */
function unitKeys(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** `--metrics HOST:PORT` → a free port on 127.0.0.1. */
function withPort(args: string[], port: number): string[] {
  const i = args.indexOf('--metrics');
  if (i === -1) throw new Error(`no --metrics in ${args.join(' ')}`);
  return [...args.slice(0, i + 1), `127.0.0.1:${port}`, ...args.slice(i + 2)];
}

/**
 * Runs the CLI with exactly `caps` (bounding set of a uid-0 process = what systemd's CapabilityBoundingSet and a
 * container's capabilities give it), no_new_privs, and `/` read-only in a private mount namespace (ProtectSystem=strict).
 */
function runConfined(caps: string[], args: string[]): ResultPromise {
  const bounding = ['-all', ...caps.map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`)].join(',');
  const child = execa(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'bash',
      '-c',
      'mount --bind / / && mount -o remount,bind,ro / && exec setpriv --no-new-privs --bounding-set="$0" --inh-caps=-all -- node "$@"',
      bounding,
      CLI,
      ...args,
    ],
    { reject: false, env: { NO_COLOR: '1' } },
  );
  children.push(child);
  return child;
}

async function metricsOf(port: number, child: ResultPromise, until: (text: string) => boolean): Promise<string> {
  return waitFor(
    `/metrics on :${port}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${String(child.stderr)}`);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return until(text) ? text : undefined;
    },
    40_000,
  );
}

/** SIGTERM; tcpscope exits 143 (128 + SIGTERM) after stopping bpftrace. */
async function stop(child: ResultPromise): Promise<number | undefined> {
  child.kill('SIGTERM');
  const r = await child;
  return r.exitCode;
}

describe('deploy/', () => {
  beforeAll(async () => {
    await requireLab();
    await requireKernelTracing();
    topo = await createTopology();
    // A listener with backlog 7 in the lab server netns, found through its pid (as a container would be).
    const l = topo.spawn(topo.server, 'node', [
      '-e',
      'require("net").createServer().listen({ port: 8080, backlog: 7 }, () => console.log("up")); setInterval(() => {}, 1e6)',
    ]);
    listenerPid = l.pid!;
    await new Promise<void>((r) => l.stdout?.once('data', () => r()));
  });

  it('systemd unit: systemd-analyze verify is clean, security exposure is low', async () => {
    const text = await readFile(UNIT, 'utf8');
    const exec = unitKeys(text).ExecStart!.split(/\s+/);
    expect(exec[0]).toBe('/usr/local/bin/tcpscope');
    // verify checks that ExecStart's binary exists: point it at a wrapper of the built CLI.
    const bin = join(dir, 'tcpscope');
    await writeFile(bin, `#!/bin/sh\nexec node ${CLI} "$@"\n`);
    await chmod(bin, 0o755);
    const unit = join(dir, 'tcpscope.service');
    await writeFile(unit, text.replace('/usr/local/bin/tcpscope', bin));
    const v = await execa('systemd-analyze', ['verify', unit], { reject: false });
    expect(v.failed && v.exitCode === undefined, 'systemd-analyze missing (apt-get install systemd)').toBe(false);
    expect(`${v.stdout}${v.stderr}`).toBe('');
    expect(v.exitCode).toBe(0);
    const s = await execa('systemd-analyze', ['security', '--offline=true', unit], { reject: false });
    const level = /Overall exposure level for tcpscope\.service: ([\d.]+)/.exec(s.stdout);
    expect(level, s.stdout + s.stderr).not.toBeNull();
    expect(Number(level![1])).toBeLessThanOrEqual(5);
  });

  it('systemd unit: its ExecStart with exactly its capabilities runs eBPF mode on a netns given by pid; without CAP_SYS_ADMIN its sysctls cannot be read', async () => {
    const keys = unitKeys(await readFile(UNIT, 'utf8'));
    const caps = keys.CapabilityBoundingSet!.split(/\s+/);
    expect(caps).toEqual(['CAP_BPF', 'CAP_PERFMON', 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE']);
    expect(keys).toMatchObject({ User: 'root', NoNewPrivileges: 'yes', ProtectSystem: 'strict' });
    const port = await freePort();
    const args = [
      ...withPort(keys.ExecStart!.split(/\s+/).slice(1), port),
      '--netns',
      String(listenerPid),
      '--interval',
      '500ms',
    ];
    const child = runConfined(caps, args);
    await metricsOf(
      port,
      child,
      (t) => /tcpscope_listener_queue_capacity\{[^}]*:8080"\} 7/.test(t) && t.includes('mode="ebpf"} 1'),
    );
    // eBPF really attached: handshakes from the client netns show as state transitions (tracepoints only).
    const connect = `const s = require("net").connect(8080, ${JSON.stringify(topo!.server.ip4)}, () => s.end())`;
    const text = await waitFor(
      'transitions from the tracepoint',
      async () => {
        await topo!.exec(topo!.client, 'node', ['-e', connect]);
        const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return /tcpscope_transitions_total\{[^}]*from="SYN_RECV",to="ESTABLISHED"\} [1-9]/.test(t) ? t : undefined;
      },
      30_000,
    );
    expect(text).toMatch(/tcpscope_sysctl\{netns="[^"]+",name="net.core.somaxconn"\} 4096/); // read inside the netns (setns)
    expect(text).toMatch(/tcpscope_sockets\{netns="[^"]+",state="LISTEN"\} 1/);
    expect(await stop(child)).toBe(143);

    // Without CAP_SYS_ADMIN the probes still attach (bpftrace reads /sys/kernel/btf/vmlinux itself: BPFTRACE_BTF), but
    // the netns's sysctls cannot be read (setns needs CAP_SYS_ADMIN): every snapshot says so, which is why the unit
    // keeps it.
    const withoutAdmin = runConfined(
      caps.filter((c) => c !== 'CAP_SYS_ADMIN'),
      ['watch', '--json', '--ebpf', '--netns', String(listenerPid), '--interval', '500ms', '--duration', '2s'],
    );
    const r = await withoutAdmin;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const snaps = String(r.stdout)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { mode: string; notes: string[] });
    expect(snaps.length).toBeGreaterThan(0);
    for (const s of snaps) {
      expect(s.mode).toBe('ebpf');
      expect(s.notes.join(' ')).toMatch(/sysctls unreadable in netns .*Operation not permitted/);
    }
  }, 90_000);

  it("DaemonSet: host PID, read-only mounts bpftrace needs, the unit's capabilities, and its args serve /metrics and /healthz", async () => {
    const docs = parseAllDocuments(await readFile(K8S, 'utf8')).map((d) => d.toJS() as Manifest);
    for (const d of parseAllDocuments(await readFile(K8S, 'utf8'))) expect(d.errors).toEqual([]);
    const ds = docs.find((d) => d.kind === 'DaemonSet')!;
    const pod = ds.spec.template.spec;
    expect(pod.hostPID).toBe(true);
    const c = pod.containers[0]!;
    const sc = c.securityContext;
    expect(sc).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(sc.capabilities.drop).toEqual(['ALL']);
    const unitCaps = unitKeys(await readFile(UNIT, 'utf8')).CapabilityBoundingSet!.split(/\s+/);
    expect(sc.capabilities.add.map((x) => `CAP_${x}`)).toEqual(unitCaps);
    const mounts = Object.fromEntries(c.volumeMounts.map((m) => [m.mountPath, m]));
    expect(mounts['/sys/kernel/tracing']).toMatchObject({ readOnly: true });
    expect(mounts['/sys/kernel/btf']).toMatchObject({ readOnly: true });
    const hostPaths = Object.fromEntries(pod.volumes.flatMap((v) => (v.hostPath ? [[v.name, v.hostPath.path]] : [])));
    expect(hostPaths[mounts['/sys/kernel/tracing']!.name]).toBe('/sys/kernel/tracing');
    // PodMonitor: selects these pods and scrapes the container's named port.
    const pm = docs.find((d) => d.kind === 'PodMonitor')!;
    expect(c.ports.map((p) => p.name)).toContain(pm.spec.podMetricsEndpoints[0]!.port);
    expect(ds.spec.template.metadata.labels).toMatchObject(pm.spec.selector.matchLabels);
    expect(c.readinessProbe.httpGet.path).toBe('/healthz');

    // The args as the kubelet expands them ($(POD_IP) from the env), on a free port, with the pod's capabilities.
    const env: Record<string, string> = { POD_IP: '127.0.0.1' };
    const port = await freePort();
    const args = withPort(
      c.args.map((a) => a.replace(/\$\((\w+)\)/g, (_, k: string) => env[k] ?? '')),
      port,
    );
    expect(args.slice(0, 3)).toEqual(['serve', '--netns', '1']);
    // On a node, pid 1 (hostPID) is the host's init. This VM's pid 1 is a sandbox init whose /proc/1/ns/net even
    // root cannot read, so the test points at a pid of the host netns that it can: its own.
    args[2] = String(process.pid);
    const child = runConfined(unitCaps, args);
    await metricsOf(port, child, (t) => t.includes('mode="ebpf"} 1'));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(await stop(child)).toBe(143);
  }, 90_000);

  it('PrometheusRule: its groups are what alerts export gives for the built-in rules today', async () => {
    const doc = parseAllDocuments(
      await readFile('deploy/kubernetes/prometheusrule.yaml', 'utf8'),
    )[0]!.toJS() as Manifest;
    expect(doc.kind).toBe('PrometheusRule');
    const exported = await execa('node', [CLI, 'alerts', 'export', '--format', 'prometheus', '--alerts', 'builtin']);
    expect(doc.spec.groups).toEqual((parseAllDocuments(exported.stdout)[0]!.toJS() as { groups: unknown }).groups);
  });

  it('Containerfile: the entrypoint is the CLI where dist/ and probes/ are copied, its CMD is a valid serve', async () => {
    const text = await readFile(CONTAINERFILE, 'utf8');
    const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(text)![1]!) as string[];
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(text)![1]!) as string[];
    const workdir = /^WORKDIR (\S+)$/m.exec(text)![1]!;
    expect(entry).toEqual(['node', `${workdir}/dist/cli/main.js`]);
    expect(text).toMatch(/^COPY dist \.\/dist$/m);
    expect(text).toMatch(/^COPY probes \.\/probes$/m);
    expect(text).toMatch(/apt-get install .*bpftrace .*iproute2 .*util-linux/);
    const port = await freePort();
    const r = await execa('node', [CLI, ...withPort(cmd, port), '--procfs', '--duration', '1500ms'], { reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
  });
});
