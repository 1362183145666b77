// The flags every live command shares (interval, duration, netns, port, procfs/ebpf), declared and validated once.
import type { Command } from 'commander';
import type { SessionOptions } from '../session/live.js';
import { assertPlainValue, parseDuration, parseInterval, parsePort } from './parse-options.js';

const plain = (text: string, flag: string): string => {
  assertPlainValue(text, flag);
  return text;
};

export interface SessionFlags {
  interval: string;
  duration?: string;
  netns?: string;
  port?: string;
  procfs?: boolean;
  ebpf?: boolean;
  /** --latency: load the connect-latency probe. */
  latency?: boolean;
}

export function addSessionOptions(cmd: Command, help: { duration?: string; port?: string } = {}): Command {
  return cmd
    .option('-i, --interval <duration>', 'snapshot interval', '1s')
    .option('-d, --duration <duration>', help.duration ?? 'stop after this long (default: until Ctrl-C)')
    .option(
      '-n, --netns <netns>',
      'network namespace: ip netns name, container (web1, docker:web1, id prefix), pod (pod:ns/name), service, path, pid or inode (see tcpscope netns)',
    )
    .option('-p, --port <port>', help.port ?? 'only sockets with this local or remote port (probe filter)')
    .option('--procfs', 'do not use eBPF: counters, socket table and sysctls only')
    .option('--ebpf', 'require eBPF mode (fail instead of falling back to procfs)')
    .option(
      '--latency',
      'measure connect latency, failed connects, lifetimes and RTT in the kernel (connlat.bt, ~180 ns per TCP state change)',
    );
}

/** Validated session options from the shared flags; a bad value is a usage error (exit 2) before anything starts. */
export function sessionOptionsFrom(flags: SessionFlags): SessionOptions & { intervalMs: number } {
  return {
    intervalMs: parseInterval(flags.interval),
    durationMs: flags.duration !== undefined ? parseDuration(flags.duration, '--duration') : undefined,
    port: flags.port !== undefined ? parsePort(flags.port) : undefined,
    netns: flags.netns !== undefined ? plain(flags.netns, '--netns') : undefined,
    mode: flags.procfs ? 'procfs' : flags.ebpf ? 'ebpf' : 'auto',
    ...(flags.latency === true ? { latency: true } : {}),
  };
}
