// The whole-host bench's load, shared by the bench and by profiling: N namespaces, each a churn listener (+ 2
// connections/s of loopback traffic when asked), plus 10 k established sockets in the host netns.
// Run alone it holds the load until Ctrl-C, to profile `watch` against it:
//   npx tsx scripts/bench/wholehost-load.ts [--netns 50] [--sockets 10000]
import { execa, type ResultPromise } from 'execa';
import { ensureChurnBinary } from '../lab/agent.js';
import { holdSockets, type SocketHolder } from './socket-holder.js';

export interface WholeHostLoad {
  /** Adds namespaces numbered from..to-1 (10 at a time). */
  add(from: number, to: number, traffic: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startWholeHostLoad(hostSockets: number): Promise<WholeHostLoad> {
  const prefix = `tsx-wh-${process.pid}-`;
  const made: string[] = [];
  const children: ResultPromise[] = [];
  let holder: SocketHolder | undefined;
  const bin = await ensureChurnBinary();
  const opts = { reject: false, stdout: 'ignore', stderr: 'ignore', stdin: 'ignore' } as const;
  async function addNetns(i: number, traffic: boolean): Promise<void> {
    const ns = `${prefix}${i}`;
    await execa('ip', ['netns', 'add', ns]);
    made.push(ns);
    await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const srv = execa('ip', ['netns', 'exec', ns, bin, 'server', '--port', '8080', '--backlog', '128'], {
      ...opts,
      stdout: 'pipe',
    });
    children.push(srv);
    await new Promise<void>((res) => srv.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && res()));
    if (!traffic) return;
    const client = ['client', '--host', '127.0.0.1', '--port', '8080', '--duration-ms', '3600000'];
    children.push(execa('ip', ['netns', 'exec', ns, bin, ...client, '--rate', '2', '--concurrency', '1'], opts));
  }
  const load: WholeHostLoad = {
    async add(from, to, traffic) {
      for (let i = from; i < to; i += 10)
        await Promise.all(Array.from({ length: Math.min(10, to - i) }, (_, k) => addNetns(i + k, traffic)));
    },
    async stop() {
      for (const c of children) c.kill('SIGINT');
      await Promise.all(children.map((c) => c.catch(() => undefined)));
      await holder?.stop();
      for (const ns of made) await execa('ip', ['netns', 'del', ns], { reject: false });
    },
  };
  try {
    if (hostSockets > 0) holder = await holdSockets(`/proc/${process.pid}/ns/net`, hostSockets);
  } catch (err) {
    await load.stop();
    throw err;
  }
  return load;
}

if (process.argv[1]?.endsWith('wholehost-load.ts')) {
  const arg = (name: string, d: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? (process.argv[i + 1] ?? d) : d;
  };
  const load = await startWholeHostLoad(Number(arg('sockets', '10000')));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void load.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await load.add(0, Number(arg('netns', '50')), true);
  process.stderr.write('whole-host load ready (Ctrl-C stops and cleans up)\n');
  setInterval(() => undefined, 1 << 30);
}
