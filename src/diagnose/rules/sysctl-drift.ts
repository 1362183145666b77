// sysctl-drift (whole-host mode): a netns whose TCP sysctls differ from the host netns's where it matters. A new netns
// starts at the kernel defaults, not the host's values (host somaxconn=1000 -> a fresh netns reads 4096): tuning the
// host does not tune containers. Names both values and the command that applies the host's value in that netns.
import type { Rule } from '../rule.js';
import type { Snapshot } from '../../model/snapshot.js';
import { sysctlCommand } from '../values.js';

type Need = 'listeners' | 'sockets' | 'outgoing';

/** Per-netns TCP sysctls worth comparing and why, by what must exist in the netns for a difference to matter. */
const DRIFT_BY_NEED: Record<Need, Record<string, string>> = {
  listeners: {
    'net.core.somaxconn': 'caps every listen() backlog: accept-queue capacity differs from the host',
    'net.ipv4.tcp_max_syn_backlog': 'SYN-queue drop threshold with syncookies=0',
    'net.ipv4.tcp_syncookies': 'SYN-flood protection when a SYN queue is full',
    'net.ipv4.tcp_abort_on_overflow': 'full accept queue: drop and retry (0) or reset the client (1)',
    'net.ipv4.tcp_synack_retries': 'how long half-open requests hold SYN-queue slots',
  },
  sockets: {
    'net.ipv4.tcp_fin_timeout': 'lifetime of orphaned FIN_WAIT2 sockets',
    'net.ipv4.tcp_keepalive_time': 'idle time before keepalive probes (dead-peer detection)',
    'net.ipv4.tcp_keepalive_intvl': 'interval between keepalive probes',
    'net.ipv4.tcp_keepalive_probes': 'unanswered keepalive probes before a drop',
    'net.ipv4.tcp_retries2': 'how long an established connection survives an unreachable peer',
    'net.ipv4.tcp_max_tw_buckets': 'TIME_WAIT sockets kept before overflow',
    'net.ipv4.tcp_timestamps': 'PAWS and tw_reuse need timestamps',
  },
  outgoing: {
    'net.ipv4.tcp_syn_retries': 'how long connect() retries before failing',
    'net.ipv4.tcp_tw_reuse': 'reuse of TIME_WAIT ports for outgoing connects',
    'net.ipv4.ip_local_port_range': 'ephemeral ports for outgoing connections',
  },
};

const DRIFT: { name: string; need: Need; why: string }[] = Object.entries(DRIFT_BY_NEED).flatMap(([need, sysctls]) =>
  Object.entries(sysctls).map(([name, why]) => ({ name, need: need as Need, why })),
);

function has(s: Snapshot, need: Need): boolean {
  const st = s.census.states;
  if (need === 'listeners') return s.census.listeners.length > 0 || (st.LISTEN ?? 0) > 0;
  const total = Object.values(st).reduce((a, b) => a + b, 0);
  if (need === 'sockets') return total > 0;
  return (st.ESTABLISHED ?? 0) + (st.SYN_SENT ?? 0) + (st.TIME_WAIT ?? 0) > 0 || (s.counters.TcpActiveOpens ?? 0) > 0;
}

/** Hurting right now because of the setting that drifted (raises the severity to warning). */
function hurting(s: Snapshot, name: string): boolean {
  const c = s.counters;
  if (name === 'net.core.somaxconn' || name === 'net.ipv4.tcp_abort_on_overflow')
    return (c.TcpExtListenOverflows ?? 0) > 0;
  if (name === 'net.ipv4.tcp_syncookies' || name === 'net.ipv4.tcp_max_syn_backlog')
    return (c.TcpExtTCPReqQFullDrop ?? 0) > 0;
  return false;
}

const short = (name: string): string => name.replace(/^net\.(ipv4|core)\./, '');

export const sysctlDrift: Rule = {
  id: 'sysctl-drift',
  kind: 'event',
  evaluate(ctx) {
    const host = ctx.reference;
    const s = ctx.snapshot;
    if (!host) return undefined;
    const drifts = DRIFT.filter((d) => {
      const here = ctx.sysctl(d.name);
      const there = host[d.name];
      return here !== undefined && there !== undefined && here !== there && has(s, d.need);
    });
    if (drifts.length === 0) return undefined;
    const evidence: Record<string, number | string> = { drifted: drifts.length };
    for (const d of drifts) evidence[d.name] = `${ctx.sysctl(d.name) ?? ''} (host ${host[d.name] ?? ''})`;
    return {
      id: 'sysctl-drift',
      severity: drifts.some((d) => hurting(s, d.name)) ? 'warning' : 'info',
      title: `sysctls differ from the host: ${drifts.map((d) => `${short(d.name)} ${ctx.sysctl(d.name) ?? ''} here vs ${host[d.name] ?? ''} on the host`).join(', ')}`,
      evidence,
      sysctls: drifts.map((d) => ({
        name: d.name,
        value: ctx.sysctl(d.name),
        role: `${d.why}; the host has ${host[d.name] ?? ''}`,
      })),
      explanation:
        'Network sysctls under net.ipv4 and net.core.somaxconn are per network namespace, and a new namespace starts at ' +
        "the kernel's defaults, not at the host's values: tuning the host did not tune this namespace. " +
        drifts
          .map((d) => `${d.name} is ${ctx.sysctl(d.name) ?? ''} here and ${host[d.name] ?? ''} on the host (${d.why}).`)
          .join(' '),
      advice: [
        ...drifts.map((d) => sysctlCommand(s.netns, d.name, host[d.name] ?? '')),
        "for containers set it at creation (docker run --sysctl NAME=VALUE, a pod's securityContext.sysctls): a restart loses runtime changes",
        ...(drifts.some((d) => d.name === 'net.core.somaxconn')
          ? ['somaxconn applies at listen(): restart the service after changing it']
          : []),
      ],
    };
  },
};
