// The whole-host bench's load, shared by the bench and by profiling: N namespaces, each a churn listener (+ 2
// connections/s of loopback traffic when asked), plus 10 k established sockets in the host netns.
// Run alone it holds the load until Ctrl-C, to profile `watch` against it:
//   npx tsx scripts/bench/wholehost-load.ts [--netns 50] [--sockets 10000]
import { holdSockets, type SocketHolder } from './socket-holder.js';
import { netnsFleet } from './netns-fleet.js';

export interface WholeHostLoad {
  /** Adds namespaces numbered from..to-1 (10 at a time). */
  add(from: number, to: number, traffic: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startWholeHostLoad(hostSockets: number): Promise<WholeHostLoad> {
  const fleet = netnsFleet(`tsx-wh-${process.pid}-`);
  let holder: SocketHolder | undefined;
  const load: WholeHostLoad = {
    add: (from, to, traffic) => fleet.addRange(from, to, traffic),
    async stop() {
      await fleet.destroy();
      await holder?.stop();
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
