// Keepalive: only sockets with SO_KEEPALIVE probe; a dead peer is found after time + probes × intvl (2 h 11 min
// 15 s by default). Use is visible only through keepalive-timeout resets (6.10+ reset reasons).
import { dur, keep, type Advice, type AdviceContext } from '../advice.js';

export function keepalive(ctx: AdviceContext): Advice[] {
  const p = ctx.profile;
  const detect = ctx.timelines.keepaliveDetectionMs;
  const evidence = [
    `${p.totals.keepaliveResets} connections reset because keepalive probes went unanswered, ${p.totals.abortOnTimeout} killed by a timeout (TCPAbortOnTimeout: keepalive or retransmissions)`,
    `peak ESTABLISHED ${p.peaks.established}`,
  ];
  const names = [
    'net.ipv4.tcp_keepalive_time',
    'net.ipv4.tcp_keepalive_intvl',
    'net.ipv4.tcp_keepalive_probes',
  ] as const;
  return names.map((setting, i) =>
    keep({
      topic: 'keepalive',
      setting,
      kind: 'sysctl',
      current: ctx.value(setting),
      evidence: i === 0 ? evidence : [evidence[0]!],
      consequence: `a dead peer of an SO_KEEPALIVE socket is detected after ${dur(detect)} (time + probes × intvl); sockets without SO_KEEPALIVE never probe`,
      risk: 'none',
      wrongIf:
        i === 0
          ? 'idle connections cross a NAT, load balancer or conntrack with a shorter idle timeout (often 350 s–1 h): they are cut silently; then set the time below that timeout (per socket with TCP_KEEPIDLE is better than for the whole netns)'
          : "dead peers must be noticed within seconds: that is an application heartbeat's job",
    }),
  );
}
