// The whole-host benches' setup: N namespaces, each a churn listener on :8080 and (optionally) a client making
// 2 connections/s of loopback traffic inside it. Shared by wholehost.ts and ring-wholehost.ts.
import { execa, type ResultPromise } from 'execa';
import { ensureChurnBinary } from '../lab/agent.js';

export interface NetnsFleet {
  /** Adds namespace number i (named PREFIX + i). */
  add(i: number, traffic: boolean): Promise<void>;
  /** Adds namespaces from..to-1, ten at a time. */
  addRange(from: number, to: number, traffic: boolean): Promise<void>;
  /** Stops every listener and client and deletes every namespace made. */
  destroy(): Promise<void>;
}

export function netnsFleet(prefix: string): NetnsFleet {
  const made: string[] = [];
  const children: ResultPromise[] = [];
  const fleet: NetnsFleet = {
    async add(i, traffic) {
      const ns = `${prefix}${i}`;
      await execa('ip', ['netns', 'add', ns]);
      made.push(ns);
      await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      const bin = await ensureChurnBinary();
      const srv = execa('ip', ['netns', 'exec', ns, bin, 'server', '--port', '8080', '--backlog', '128'], {
        reject: false,
        stdout: 'pipe',
        stderr: 'ignore',
        stdin: 'ignore',
      });
      children.push(srv);
      await new Promise<void>((res) => srv.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && res()));
      if (!traffic) return;
      const args = ['--host', '127.0.0.1', '--port', '8080', '--duration-ms', '3600000', '--rate', '2'];
      children.push(
        execa('ip', ['netns', 'exec', ns, bin, 'client', ...args, '--concurrency', '1'], {
          reject: false,
          stdout: 'ignore',
          stderr: 'ignore',
          stdin: 'ignore',
        }),
      );
    },
    async addRange(from, to, traffic) {
      for (let i = from; i < to; i += 10)
        await Promise.all(Array.from({ length: Math.min(10, to - i) }, (_, k) => fleet.add(i + k, traffic)));
    },
    async destroy() {
      for (const c of children) c.kill('SIGINT');
      await Promise.all(children.map((c) => c.catch(() => undefined)));
      for (const ns of made) await execa('ip', ['netns', 'del', ns], { reject: false });
    },
  };
  return fleet;
}
