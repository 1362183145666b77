// TIME_WAIT and ephemeral ports: ip_local_port_range, tcp_tw_reuse (outgoing connects only, needs timestamps) and
// tcp_max_tw_buckets. TIME_WAIT lasts 60 s on the side that closes first, whatever tcp_fin_timeout says.
import { nextPow2 } from '../../diagnose/listeners.js';
import { portCapacity, TIME_WAIT_MS } from '../../diagnose/timelines.js';
import { change, keep, pct, type Advice, type AdviceContext } from '../advice.js';

/** TIME_WAIT or 60-s connect demand above this share of the port range is pressure. */
const PORT_PRESSURE = 0.5;
const RANGES = ['32768 60999', '10240 65535', '1024 65535'] as const;

export function timeWait(ctx: AdviceContext): Advice[] {
  const p = ctx.profile;
  const range = ctx.value('net.ipv4.ip_local_port_range');
  const ports = range === undefined ? undefined : portCapacity(range);
  const tw = p.peaks.timeWait;
  const outgoing = p.totals.activeOpens > 0;
  // Ports a destination needs: sockets in TIME_WAIT at the peak, or every connect of the busiest minute if we close first.
  const demand = Math.max(outgoing ? tw : 0, p.peaks.activeOpensPer60s);
  const pressure = outgoing && ports !== undefined && demand >= ports.ports * PORT_PRESSURE;
  const reuse = ctx.num('net.ipv4.tcp_tw_reuse');
  const timestamps = ctx.num('net.ipv4.tcp_timestamps');
  const evidence = [
    `peak TIME_WAIT ${tw}${ports ? ` = ${pct(tw, ports.ports)} of the ${ports.ports} ephemeral ports` : ''}`,
    `${p.totals.activeOpens} outgoing connects (peak ${p.peaks.activeOpensPerS}/s, at most ${p.peaks.activeOpensPer60s} in 60 s), ${p.totals.passiveOpens} accepted`,
  ];
  if (pressure && ports && tw >= ports.ports)
    evidence.push(
      `TIME_WAIT filled every port of the range: further connect()s to that destination failed with EADDRNOTAVAIL until ports left TIME_WAIT (no kernel counter records those failures; the real demand is at least ${tw})`,
    );
  else if (pressure)
    evidence.push(
      `connect() to one destination fails with EADDRNOTAVAIL once its ${ports?.ports} ports are all in use or in TIME_WAIT (the socket table has no per-destination split: if connects go to N destinations, each has its own ${ports?.ports})`,
    );
  const out: Advice[] = [];
  if (pressure && ports) {
    const pick =
      RANGES.find((r) => (portCapacity(r)?.ports ?? 0) >= demand * 2 && (portCapacity(r)?.ports ?? 0) > ports.ports) ??
      '1024 65535';
    const next = portCapacity(pick)!;
    out.push(
      change({
        topic: 'time-wait',
        setting: 'net.ipv4.ip_local_port_range',
        kind: 'sysctl',
        current: range,
        proposed: pick,
        evidence,
        consequence: `${next.ports} ports per destination instead of ${ports.ports}: about ${next.perSecond} new connections/s to one destination while each closed one waits ${TIME_WAIT_MS / 1000} s in TIME_WAIT (now ${ports.perSecond}/s; measured demand ${demand} per minute)${next.ports < demand * 2 ? ' — still short: reuse connections (keep-alive, pools)' : ''}`,
        risk:
          pick === '32768 60999'
            ? 'none: the kernel default'
            : 'ports below 32768 may collide with services that listen on them later: reserve those with net.ipv4.ip_local_reserved_ports',
        wrongIf: 'a fixed source port range is required (firewall rules on the far side)',
      }),
    );
  } else {
    out.push(
      keep({
        topic: 'time-wait',
        setting: 'net.ipv4.ip_local_port_range',
        kind: 'sysctl',
        current: range,
        evidence,
        consequence: ports
          ? `${ports.ports} ports per destination: about ${ports.perSecond} new connections/s to one destination with 60 s TIME_WAIT; the measured demand (${demand} in the busiest minute) uses ${pct(demand, ports.ports)}`
          : 'unreadable',
        risk: 'none',
        wrongIf: 'outgoing connects to one destination grow past half the range per minute',
      }),
    );
  }
  if (pressure && reuse !== 1) {
    out.push(
      change({
        topic: 'time-wait',
        setting: 'net.ipv4.tcp_tw_reuse',
        kind: 'sysctl',
        current: reuse === undefined ? undefined : String(reuse),
        proposed: '1',
        evidence,
        consequence: `a connect() may take over a TIME_WAIT port to the same destination once the old connection's last timestamp is over 1 s old, so ports are held ~1 s instead of 60 s for OUTGOING connects${reuse === 2 ? ' (2 = loopback only, which this traffic is not)' : ''}${timestamps === 0 ? '; tcp_timestamps=0 disables reuse: turn timestamps on too' : ''}`,
        risk: 'needs timestamps on both ends (PAWS rejects old duplicates); unlike the removed tcp_tw_recycle it is safe behind NAT',
        wrongIf:
          'the TIME_WAIT sockets belong to accepted connections (this host closes first as a server): tw_reuse never helps those',
      }),
    );
  } else {
    out.push(
      keep({
        topic: 'time-wait',
        setting: 'net.ipv4.tcp_tw_reuse',
        kind: 'sysctl',
        current: reuse === undefined ? undefined : String(reuse),
        evidence: [evidence[0]!],
        consequence:
          !outgoing && tw > 0
            ? "this netns's TIME_WAIT comes from connections it accepted: tw_reuse applies to outgoing connects only and would not change them"
            : reuse === 2
              ? 'connect() reuses TIME_WAIT ports on loopback only; no port pressure was measured'
              : `tcp_tw_reuse=${reuse ?? '?'}; no port pressure was measured`,
        risk: 'none',
        wrongIf: 'outgoing connects run out of ports (EADDRNOTAVAIL)',
      }),
    );
  }
  if (pressure && reuse !== 1 && timestamps === 0) {
    out.push(
      change({
        topic: 'time-wait',
        setting: 'net.ipv4.tcp_timestamps',
        kind: 'sysctl',
        current: '0',
        proposed: '1',
        evidence: ['tcp_tw_reuse needs timestamps'],
        consequence: 'TIME_WAIT reuse (and PAWS) can work',
        risk: '10 bytes per segment',
        wrongIf: 'a middlebox strips timestamps',
      }),
    );
  }
  out.push(twBuckets(ctx, tw));
  return out;
}

function twBuckets(ctx: AdviceContext, tw: number): Advice {
  const max = ctx.num('net.ipv4.tcp_max_tw_buckets');
  const overflow = ctx.profile.totals.timeWaitOverflow;
  const base = {
    topic: 'time-wait',
    setting: 'net.ipv4.tcp_max_tw_buckets',
    kind: 'sysctl' as const,
    current: max === undefined ? undefined : String(max),
  };
  const evidence = [
    `peak TIME_WAIT ${tw}${max ? ` = ${pct(tw, max)} of tcp_max_tw_buckets` : ''}`,
    `${overflow} TIME_WAIT sockets not created (TCPTimeWaitOverflow)`,
  ];
  if (overflow > 0 && max !== undefined) {
    const proposed = Math.max(max * 2, nextPow2((tw + overflow) * 2));
    return change({
      ...base,
      proposed: String(proposed),
      evidence,
      consequence: `room for ${proposed} TIME_WAIT sockets: closed connections keep their 60 s protection against late segments instead of skipping TIME_WAIT ("time wait bucket table overflow")`,
      risk: 'about 200 bytes of memory per TIME_WAIT socket',
      wrongIf:
        'TIME_WAIT is skipped on purpose to save ports (a cheap but unsafe trick; tw_reuse or more ports are the safe ones)',
    });
  }
  return keep({
    ...base,
    evidence,
    consequence: `past ${max ?? '?'} TIME_WAIT sockets closing connections would skip TIME_WAIT; the peak used ${max ? pct(tw, max) : '?'}`,
    risk: 'none',
    wrongIf: 'the connection rate grows ×' + (tw > 0 && max ? Math.floor(max / tw) : '∞') + ' or more',
  });
}
