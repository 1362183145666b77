// A private Docker for the lab: its own dockerd (socket, data root, exec root, pidfile under a temp dir; no bridge,
// no iptables; containerd started by dockerd itself), an image imported from a locally compiled static listener (no
// pulls), containers reached through a veth from a lab client netns in 198.18.250.0/24. Stopped on every exit path.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { CACHE_DIR, LAB_DIR } from './agent.js';
import { checkPrerequisites, createTopology, type LabTopology } from './topology.js';
import type { Topology } from './types.js';

export const LAB_IMAGE = 'tslab/listen:lab';

export interface LabContainer {
  name: string;
  id: string;
  /** The container's init (the listener), for /proc/PID/net and nsenter. */
  pid: number;
  netnsInode: number;
  /** Address of the container on its veth, reachable from `docker.topo.client`. */
  ip4: string;
}

export interface LabDocker {
  dir: string;
  socket: string;
  /** `unix://…`, for DOCKER_HOST. */
  dockerHost: string;
  /** The lab topology whose client netns reaches every container. */
  topo: Topology & LabTopology;
  /** `docker run -d --network none` the lab image (tslab-listen PORT BACKLOG), then a veth into its netns. */
  run(
    name: string,
    opts?: { port?: number; backlog?: number; sysctls?: Record<string, string> },
  ): Promise<LabContainer>;
  /** `docker` CLI against this engine (lab set-up only; tcpscope itself talks to the socket). */
  docker(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let listenBuild: Promise<string> | undefined;

/** Compiles scripts/lab/listen.c statically into .cache/lab/tslab-listen (rebuilt when the source is newer). */
export function ensureListenBinary(): Promise<string> {
  listenBuild ??= (async () => {
    const src = join(LAB_DIR, 'listen.c');
    const bin = join(CACHE_DIR, 'tslab-listen');
    if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(src).mtimeMs) return bin;
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const r = await execa('cc', ['-static', '-O2', '-Wall', '-o', tmp, src], { reject: false });
    if (r.exitCode !== 0) throw new Error(`cc -static listen.c failed (libc6-dev static libs?): ${String(r.stderr)}`);
    renameSync(tmp, bin);
    return bin;
  })();
  listenBuild.catch(() => {
    listenBuild = undefined;
  });
  return listenBuild;
}

function checkDockerPrerequisites(): void {
  checkPrerequisites({ cc: true });
  const missing = ['dockerd', 'docker', 'tar'].filter((c) => spawnSync('which', [c], { stdio: 'ignore' }).status !== 0);
  if (missing.length)
    throw new Error(
      `tcpscope lab prerequisites missing: ${missing.join(', ')} (apt-get install docker.io; scripts/setup.sh installs it)`,
    );
}

/** Unmounts what dockerd left under `dir` (overlay, shm, netns bind mounts), deepest first. */
function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(`${dir}/`));
  for (const m of mounts.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
}

const active = new Set<LabDocker>();
let handlers = false;
function installHandlers(): void {
  if (handlers) return;
  handlers = true;
  // Synchronous last resort (the topology's own handler removes its netns): kill containers and dockerd.
  process.on('exit', () => {
    for (const d of [...active]) (d as LabDocker & { stopSync(): void }).stopSync();
  });
}

export async function startLabDocker(): Promise<LabDocker> {
  checkDockerPrerequisites();
  await cleanupDockerLeftovers(); // a SIGKILLed earlier run's dockerd (live runs are spared)
  const bin = await ensureListenBinary();
  installHandlers();
  // Short path: a unix socket path must stay under 108 bytes.
  const dir = mkdtempSync('/tmp/tslab-dk-');
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: process.pid }), { mode: 0o600 });
  const socket = join(dir, 'docker.sock');
  const dockerHost = `unix://${socket}`;
  const log = openSync(join(dir, 'dockerd.log'), 'a', 0o600);
  const dockerd: ChildProcess = spawn(
    'dockerd',
    [
      '--host',
      dockerHost,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '--bridge',
      'none',
      '--iptables=false',
      '--ip-masq=false',
      '--ip-forward=false',
      '--userland-proxy=false',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', log, log] },
  );
  const containers: LabContainer[] = [];
  let topo: (Topology & LabTopology) | undefined;
  let stopped = false;
  const cli = async (args: string[]): Promise<string> => {
    const r = await execa('docker', ['-H', dockerHost, ...args], { reject: false, timeout: 60_000 });
    if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')} failed: ${String(r.stderr).trim()}`);
    return String(r.stdout).trim();
  };
  const dockerdGone = (): Promise<void> =>
    new Promise((res) =>
      dockerd.exitCode !== null || dockerd.signalCode !== null ? res() : dockerd.once('exit', () => res()),
    );

  const lab: LabDocker & { stopSync(): void } = {
    dir,
    socket,
    dockerHost,
    get topo() {
      if (!topo) throw new Error('lab docker not started');
      return topo;
    },
    docker: cli,
    async run(name, opts = {}) {
      const port = opts.port ?? 8080;
      const args = ['run', '-d', '--name', name, '--network', 'none'];
      for (const [k, v] of Object.entries(opts.sysctls ?? {})) args.push('--sysctl', `${k}=${v}`);
      const id = await cli([...args, LAB_IMAGE, '/bin/tslab-listen', String(port), String(opts.backlog ?? 2)]);
      const pid = Number(await cli(['inspect', '-f', '{{.State.Pid}}', id]));
      const n = containers.length;
      if (n > 60) throw new Error('at most 60 lab containers (198.18.250.0/24 in /30s)');
      const t = lab.topo;
      const [hostSide, ip4] = [`tsd${t.id}${n.toString(36)}`, `198.18.250.${4 * n + 2}`];
      // The veth is created with one end in the lab client netns and the other straight in the container's netns.
      await must('ip', [
        'link',
        'add',
        hostSide,
        'netns',
        t.client.name,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        String(pid),
      ]);
      await must(
        'ip',
        ['-n', t.client.name, '-batch', '-'],
        `addr add 198.18.250.${4 * n + 1}/30 dev ${hostSide}\nlink set ${hostSide} up\n`,
      );
      await must(
        'nsenter',
        ['-t', String(pid), '-n', 'ip', '-batch', '-'],
        `link set lo up\naddr add ${ip4}/30 dev eth0\nlink set eth0 up\n`,
      );
      for (let i = 0; i < 100 && !listening(pid, port); i++) await sleep(50);
      if (!listening(pid, port)) throw new Error(`${name}: nothing listens on :${port}`);
      const c: LabContainer = { name, id, pid, netnsInode: statSync(`/proc/${pid}/ns/net`).ino, ip4 };
      containers.push(c);
      return c;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      active.delete(lab);
      if (containers.length > 0) await cli(['rm', '-f', ...containers.map((c) => c.id)]).catch(() => undefined);
      dockerd.kill('SIGTERM');
      const t = setTimeout(() => dockerd.kill('SIGKILL'), 15_000);
      await dockerdGone();
      clearTimeout(t);
      await topo?.destroy();
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    },
    stopSync() {
      if (stopped) return;
      stopped = true;
      if (containers.length > 0)
        spawnSync('docker', ['-H', dockerHost, 'rm', '-f', ...containers.map((c) => c.id)], {
          stdio: 'ignore',
          timeout: 20_000,
        });
      dockerd.kill('SIGKILL');
      for (const c of containers) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  active.add(lab);
  try {
    for (let i = 0; ; i++) {
      if (dockerd.exitCode !== null)
        throw new Error(
          `dockerd exited (${String(dockerd.exitCode)}): ${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-800)}`,
        );
      if (
        existsSync(socket) &&
        (await execa('docker', ['-H', dockerHost, 'version'], { reject: false, timeout: 10_000 })).exitCode === 0
      )
        break;
      if (i > 300) throw new Error('dockerd did not answer within 30 s');
      await sleep(100);
    }
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync(bin, join(rootfs, 'bin', 'tslab-listen'));
    if (existsSync('/bin/busybox')) copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
    await must('tar', ['-C', rootfs, '-cf', join(dir, 'image.tar'), '.']);
    await cli(['import', '-c', 'CMD ["/bin/tslab-listen"]', join(dir, 'image.tar'), LAB_IMAGE]);
    topo = await createTopology();
  } catch (e) {
    await lab.stop();
    throw e;
  }
  return lab;
}

/**
 * Stops lab dockerds whose creating process is gone (a SIGKILLed test): their containers, dockerd (with its
 * containerd), mounts and directory. `all` also stops live ones. Returns the directories removed.
 */
export async function cleanupDockerLeftovers(opts: { all?: boolean } = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const name of readdirSync('/tmp').filter((n) => n.startsWith('tslab-dk-'))) {
    const dir = join('/tmp', name);
    let owner: number | undefined;
    try {
      owner = (JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as { pid?: number }).pid;
    } catch {
      /* no record: a run that failed before writing it, or not ours to keep */
    }
    if (!opts.all && owner !== undefined && owner !== process.pid && alive(owner)) continue;
    if (owner === process.pid && [...active].some((d) => d.dir === dir)) continue;
    const host = `unix://${join(dir, 'docker.sock')}`;
    const ids =
      spawnSync('docker', ['-H', host, 'ps', '-aq'], { encoding: 'utf8', timeout: 10_000 })
        .stdout?.split('\n')
        .filter(Boolean) ?? [];
    if (ids.length) spawnSync('docker', ['-H', host, 'rm', '-f', ...ids], { stdio: 'ignore', timeout: 30_000 });
    const pid = Number(readFileSafe(join(dir, 'dockerd.pid')));
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 150 && alive(pid); i++) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function listening(pid: number, port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  try {
    return readFileSync(`/proc/${pid}/net/tcp6`, 'utf8')
      .split('\n')
      .some((l) => l.includes(`${hex}00000000000000000000000000000000:0000 0A`));
  } catch {
    return false;
  }
}

async function must(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await execa(cmd, args, { reject: false, timeout: 20_000, ...(input !== undefined ? { input } : {}) });
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${String(r.stderr).trim()}`);
  return String(r.stdout);
}
