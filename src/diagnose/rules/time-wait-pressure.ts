// time-wait-pressure: TIME_WAIT sockets near tcp_max_tw_buckets or the ephemeral port range, with what each knob really
// does (60 s fixed, tcp_fin_timeout irrelevant, tw_reuse outgoing-only, tw_recycle gone).
import type { Rule } from '../rule.js';
import { censusState, counter } from '../context.js';
import { portCapacity } from '../timelines.js';
import { sysctlCommand } from '../values.js';

/** Fraction of tcp_max_tw_buckets / of the port range that counts as pressure. */
const BUCKETS_FRACTION = 0.8;
const PORTS_FRACTION = 0.5;

export const timeWaitPressure: Rule = {
  id: 'time-wait-pressure',
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const tw = Math.max(censusState(s, 'TIME_WAIT'), s.census.sockstat['TCP.tw'] ?? 0);
    const overflow = counter(s, 'TcpExtTCPTimeWaitOverflow');
    const maxTw = ctx.num('net.ipv4.tcp_max_tw_buckets');
    const range = ctx.sysctl('net.ipv4.ip_local_port_range');
    const ports = range === undefined ? undefined : portCapacity(range);
    // Outgoing connection rate over the history window.
    let opens = 0;
    let ms = 0;
    for (const h of ctx.history) {
      opens += h.counters.TcpActiveOpens ?? 0;
      ms += h.intervalMs;
    }
    const activePerS = ms > 0 ? opens / (ms / 1000) : 0;

    const nearBuckets = maxTw !== undefined && maxTw > 0 && tw >= maxTw * BUCKETS_FRACTION;
    const nearPorts = ports !== undefined && tw >= ports.ports * PORTS_FRACTION;
    const fastOpens = ports !== undefined && activePerS >= ports.perSecond * BUCKETS_FRACTION;
    if (overflow === 0 && !nearBuckets && !nearPorts && !fastOpens) return undefined;

    const reuse = ctx.num('net.ipv4.tcp_tw_reuse');
    const timestamps = ctx.num('net.ipv4.tcp_timestamps');
    const evidence: Record<string, number | string> = {
      timeWait: tw,
      timeWaitOverflow: overflow,
      activeOpensPerS: Math.round(activePerS * 10) / 10,
    };
    if (maxTw !== undefined) evidence.maxTwBuckets = maxTw;
    if (ports) {
      evidence.ephemeralPorts = ports.ports;
      evidence.maxNewConnsPerSPerDestination = ports.perSecond;
    }
    const reuseText =
      reuse === 2
        ? 'tcp_tw_reuse=2 NOW: a new outgoing connect() may reuse a TIME_WAIT port only on loopback'
        : reuse === 1
          ? `tcp_tw_reuse=1 NOW: outgoing connect()s reuse TIME_WAIT ports older than 1 s${timestamps === 0 ? ', but tcp_timestamps=0 disables that (it needs timestamps)' : ''}`
          : 'tcp_tw_reuse=0 NOW: TIME_WAIT ports are never reused by connect()';
    const advice: string[] = [
      'reuse connections (HTTP keep-alive, connection pools): each closed connection costs a port for 60 s on the side that closed first',
    ];
    if (fastOpens || nearPorts) {
      if (reuse !== 1)
        advice.push(
          `${sysctlCommand(s.netns, 'net.ipv4.tcp_tw_reuse', 1)}  # outgoing connects only; safe with tcp_timestamps=1`,
        );
      if (timestamps === 0) advice.push(sysctlCommand(s.netns, 'net.ipv4.tcp_timestamps', 1));
      if (ports && ports.ports < 60000)
        advice.push(sysctlCommand(s.netns, 'net.ipv4.ip_local_port_range', '1024 65535'));
    }
    if (overflow > 0 && maxTw !== undefined)
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_max_tw_buckets', Math.max(maxTw * 2, 262144))}  # or accept it: overflow only skips TIME_WAIT (risk: late segments of old connections)`,
      );
    advice.push(
      'tcp_fin_timeout does not shorten TIME_WAIT; tcp_tw_recycle no longer exists (removed in 4.12): do not follow advice to set it',
    );

    const parts: string[] = [];
    if (overflow > 0)
      parts.push(
        `${overflow} TIME_WAIT sockets were not created (tcp_max_tw_buckets=${maxTw ?? '?'} reached: "time wait bucket table overflow"), so those connections closed without TIME_WAIT protection`,
      );
    if (nearBuckets)
      parts.push(`${tw} TIME_WAIT sockets are ≥ ${BUCKETS_FRACTION * 100}% of tcp_max_tw_buckets=${maxTw}`);
    if (ports && (nearPorts || fastOpens)) {
      parts.push(
        `ip_local_port_range gives ${ports.ports} ports: at most ${ports.ports} concurrent connections and about ${ports.perSecond} new ones per second to one destination (addr, port) while each closed port waits 60 s; this host opens ${evidence.activeOpensPerS}/s`,
      );
    }
    return {
      id: 'time-wait-pressure',
      severity: overflow > 0 || fastOpens ? 'critical' : 'warning',
      title:
        overflow > 0
          ? `TIME_WAIT table overflow: ${overflow} sockets skipped TIME_WAIT (${tw} in TIME_WAIT)`
          : `${tw} sockets in TIME_WAIT${fastOpens ? `: ephemeral ports run out at ${ports?.perSecond}/s per destination` : ''}`,
      evidence,
      sysctls: [
        ctx.ref('net.ipv4.tcp_max_tw_buckets', 'past it new TIME_WAIT sockets are not created (TCPTimeWaitOverflow)'),
        {
          name: 'net.ipv4.ip_local_port_range',
          value: range,
          role: 'ephemeral ports per destination for outgoing connects',
        },
        ctx.ref('net.ipv4.tcp_tw_reuse', 'reuse TIME_WAIT ports for outgoing connects (2 = loopback only)'),
        ctx.ref('net.ipv4.tcp_timestamps', 'tcp_tw_reuse needs them'),
        ctx.ref('net.ipv4.tcp_fin_timeout', 'NOT TIME_WAIT: only orphaned FIN_WAIT2'),
      ],
      explanation:
        `${parts.join('; ')}. The side that closes first holds TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN, fixed in the kernel; tcp_fin_timeout does not change it). ` +
        `${reuseText}; it never helps incoming connections (servers do not need ports). tcp_tw_recycle was removed in 4.12 because it broke clients behind NAT.`,
      advice,
    };
  },
};
