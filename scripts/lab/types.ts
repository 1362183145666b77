import type { ChildProcess } from 'node:child_process';

export interface NetnsInfo {
  name: string;
  path: string;
  inode: number;
  ip4: string;
  ip6: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface Topology {
  id: string;
  server: NetnsInfo;
  client: NetnsInfo;
  exec(ns: NetnsInfo, cmd: string, args: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Long-running agent in the netns (`ip netns exec NS cmd ...`, which execs: child.pid is the agent), killed on destroy(). */
  spawn(ns: NetnsInfo, cmd: string, args: string[]): ChildProcess;
  /** Sets a per-netns sysctl (e.g. 'net.ipv4.tcp_synack_retries'); refuses if the host's value would change. */
  setSysctl(ns: NetnsInfo, name: string, value: string | number): Promise<void>;
  /** Loads a ruleset via `nft -f -` inside ns. */
  nft(ns: NetnsInfo, ruleset: string): Promise<void>;
  /** Absolute nstat-style counters (TcpExt*, Tcp*, Ip*, IpExt*, Ip6*...) of the netns. */
  counters(ns: NetnsInfo): Promise<Record<string, number>>;
  /** Sockets per state from `ss -tan` in the netns (every state key present, 0 if none). */
  census(ns: NetnsInfo): Promise<Record<string, number>>;
  destroy(): Promise<void>;
}

export type ScenarioName =
  | 'accept-overflow'
  | 'synack-retrans'
  | 'syn-timeout'
  | 'syn-flood'
  | 'rst-closed-port'
  | 'time-wait'
  | 'close-wait-leak'
  | 'fin-wait2-orphans'
  | 'churn'
  | 'port-exhaustion'
  | 'backlog-burst'
  | 'lossy-handshake'
  | 'healthy'
  | 'syn-loss'
  | 'slow-accept'
  | 'connect-healthy';

export const SCENARIOS: readonly ScenarioName[] = [
  'accept-overflow',
  'synack-retrans',
  'syn-timeout',
  'syn-flood',
  'rst-closed-port',
  'time-wait',
  'close-wait-leak',
  'fin-wait2-orphans',
  'churn',
  'port-exhaustion',
  'backlog-burst',
  'lossy-handshake',
  'healthy',
  'syn-loss',
  'slow-accept',
  'connect-healthy',
];

export interface ScenarioOptions {
  durationMs?: number;
  rate?: number | 'max';
  variant?: Record<string, string | number | boolean>;
  /** Called after topology + sysctls + nft rules are set up and servers are listening, BEFORE traffic starts: lets a test attach a tracer to topo.server.name. Traffic starts when the returned promise resolves. */
  beforeTraffic?: (topo: Topology) => Promise<void>;
  /** Called after traffic has finished and the expected state exists (e.g. CLOSE_WAIT sockets still open), BEFORE ground truth is read and the topology destroyed. */
  afterTraffic?: (topo: Topology) => Promise<void>;
  keepTopology?: boolean; // if true, caller destroys it (result.topology.destroy())
}

export interface NsTruth {
  name: string;
  inode: number;
  sysctls: Record<string, string>;
  counters: Record<string, number>; // deltas
  sockstat: Record<string, number>;
  census: Record<string, number>;
  pids?: Record<string, number>;
}

export interface GroundTruth {
  scenario: ScenarioName;
  variant: Record<string, unknown>;
  server: NsTruth;
  client: NsTruth;
  measured: Record<string, number | string>;
  durationMs: number;
}
