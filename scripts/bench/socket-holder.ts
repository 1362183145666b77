// Holds many established loopback TCP connections inside a netns, for the host-poll bench and kernel tests.
import { execa, type ResultPromise } from 'execa';

/** Plain CommonJS run by `node -e` inside the netns: N/2 connections (N sockets) to 4 local servers. */
const HOLDER_JS = `
const net = require('net');
const want = Number(process.argv[1]) / 2;
const keep = [];
let servers = [];
const listen = () => new Promise((res) => { const s = net.createServer((c) => keep.push(c)); s.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => res(s)); });
(async () => {
  for (let i = 0; i < 4; i++) servers.push(await listen());
  let made = 0;
  while (made < want) {
    const batch = Math.min(500, want - made);
    await Promise.all(Array.from({ length: batch }, (_, i) => new Promise((res, rej) => {
      const c = net.connect({ host: '127.0.0.1', port: servers[(made + i) % 4].address().port }, () => res());
      c.on('error', rej); keep.push(c);
    })));
    made += batch;
  }
  while (keep.length < want * 2) await new Promise((r) => setTimeout(r, 20));
  process.stdout.write('ready ' + keep.length + '\\n');
})().catch((e) => { process.stderr.write(String(e) + '\\n'); process.exit(1); });
process.stdin.on('data', () => {}).on('end', () => process.exit(0));
`;

export interface SocketHolder {
  pid: number;
  stop(): Promise<void>;
}

/** fds per process are capped at 20000 here (no CAP_SYS_RESOURCE in this container): spread over processes. */
const PER_PROCESS = 18_000;

/** Holds `sockets` sockets (sockets/2 connections) in netns `nsPath`; `pid` is one of the holders. */
export async function holdSockets(nsPath: string, sockets: number): Promise<SocketHolder> {
  const parts: SocketHolder[] = [];
  try {
    for (let left = sockets; left > 0; left -= PER_PROCESS)
      parts.push(await holdPart(nsPath, Math.min(left, PER_PROCESS)));
  } catch (err) {
    await Promise.all(parts.map((h) => h.stop()));
    throw err;
  }
  const first = parts[0];
  if (!first) throw new Error('holdSockets: nothing to hold');
  return {
    pid: first.pid,
    stop: async () => {
      await Promise.all(parts.map((h) => h.stop()));
    },
  };
}

async function holdPart(nsPath: string, sockets: number): Promise<SocketHolder> {
  const child: ResultPromise = execa(
    'nsenter',
    [
      `--net=${nsPath}`,
      '--',
      'prlimit',
      `--nofile=${sockets + 1000}:${sockets + 1000}`,
      '--',
      process.execPath,
      '-e',
      HOLDER_JS,
      String(sockets),
    ],
    { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', reject: false },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    void child.then((r) => reject(new Error(`socket holder exited: ${String(r.stderr)}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('socket holder has no pid');
  return {
    pid,
    async stop() {
      child.stdin?.end();
      await child;
    },
  };
}
