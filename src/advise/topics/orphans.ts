// Closing sockets: tcp_fin_timeout (orphaned FIN_WAIT2 only, never TIME_WAIT), tcp_max_orphans (host-wide) and
// tcp_orphan_retries (0 means 8). CLOSE_WAIT is the application's missing close(): no sysctl fixes it.
import { change, dur, keep, pct, type Advice, type AdviceContext } from '../advice.js';

/** Orphans above this share of tcp_max_orphans count as pressure. */
const ORPHAN_PRESSURE = 0.5;
/** FIN_WAIT2 sockets worth shortening tcp_fin_timeout for. */
const MANY_FIN_WAIT2 = 1000;

export function orphans(ctx: AdviceContext): Advice[] {
  return [finTimeout(ctx), maxOrphans(ctx), orphanRetries(ctx)];
}

function finTimeout(ctx: AdviceContext): Advice {
  const p = ctx.profile;
  const v = ctx.num('net.ipv4.tcp_fin_timeout');
  const base = {
    topic: 'orphans',
    setting: 'net.ipv4.tcp_fin_timeout',
    kind: 'sysctl' as const,
    current: v === undefined ? undefined : String(v),
  };
  const evidence = [
    `peak FIN_WAIT2 ${p.peaks.finWait2}, peak CLOSE_WAIT ${p.peaks.closeWait}, peak TIME_WAIT ${p.peaks.timeWait}`,
  ];
  if (p.peaks.closeWait > 0)
    evidence.push(
      `CLOSE_WAIT peaked at ${p.peaks.closeWait}: the application did not close() those sockets; no sysctl changes that`,
    );
  if (v !== undefined && v > 30 && p.peaks.finWait2 >= MANY_FIN_WAIT2) {
    return change({
      ...base,
      proposed: '30',
      evidence,
      consequence: `orphaned FIN_WAIT2 sockets (closed by the app, peer silent) are dropped after 30 s instead of ${v} s; TIME_WAIT stays 60 s regardless`,
      risk: 'a peer that sends its FIN later than 30 s gets a reset',
      wrongIf:
        'the FIN_WAIT2 sockets are not orphaned (the app called shutdown() and still holds them): the timeout does not apply to those',
    });
  }
  return keep({
    ...base,
    evidence,
    consequence: `orphaned FIN_WAIT2 sockets are dropped after ${dur(ctx.timelines.finWait2HoldMs)}; it does NOT shorten TIME_WAIT (60 s, fixed)`,
    risk: 'none',
    wrongIf: `orphaned FIN_WAIT2 reach the thousands (peers that never close)`,
  });
}

function maxOrphans(ctx: AdviceContext): Advice {
  const p = ctx.profile;
  const max = ctx.num('net.ipv4.tcp_max_orphans');
  const base = {
    topic: 'orphans',
    setting: 'net.ipv4.tcp_max_orphans',
    kind: 'sysctl' as const,
    current: max === undefined ? undefined : String(max),
    scope: 'host' as const,
  };
  const evidence = [
    `peak orphans ${p.peaks.orphans} (host-wide sockstat)${max ? ` = ${pct(p.peaks.orphans, max)} of tcp_max_orphans` : ''}`,
    `${p.totals.abortOnMemory} sockets reset for orphan/memory limits (TCPAbortOnMemory)`,
  ];
  if (max !== undefined && (p.totals.abortOnMemory > 0 || p.peaks.orphans >= max * ORPHAN_PRESSURE)) {
    return change({
      ...base,
      proposed: String(max * 2),
      evidence,
      consequence: `up to ${max * 2} orphaned sockets (closed by the app, still flushing or waiting for the peer) before the kernel resets them; each can hold up to ~64 KB of unsent data`,
      risk: 'memory: tcp_mem still bounds the total',
      wrongIf:
        'the orphans are a flood of peers that never ACK (then shorter tcp_orphan_retries / tcp_fin_timeout frees them sooner)',
    });
  }
  return keep({
    ...base,
    evidence,
    consequence: `past ${max ?? '?'} orphans the kernel resets them ("too many orphaned sockets"); host-wide, not per container`,
    risk: 'none',
    wrongIf: 'orphans approach the limit under load',
  });
}

function orphanRetries(ctx: AdviceContext): Advice {
  const p = ctx.profile;
  const v = ctx.num('net.ipv4.tcp_orphan_retries');
  const base = {
    topic: 'orphans',
    setting: 'net.ipv4.tcp_orphan_retries',
    kind: 'sysctl' as const,
    current: v === undefined ? undefined : String(v),
  };
  const max = ctx.num('net.ipv4.tcp_max_orphans');
  const evidence = [`peak orphans ${p.peaks.orphans}${max ? ` of ${max}` : ''}`];
  if (max !== undefined && v !== undefined && (v === 0 || v > 3) && p.peaks.orphans >= max * ORPHAN_PRESSURE) {
    return change({
      ...base,
      proposed: '3',
      evidence,
      consequence: `an orphaned socket whose peer stopped ACKing is killed after 3 retransmits instead of ${ctx.timelines.orphanRetries ?? '?'}${v === 0 ? ' (0 means 8)' : ''}, freeing orphan slots sooner`,
      risk: 'data still queued for a slow but alive peer is lost sooner',
      wrongIf: 'peers are merely slow (satellite, mobile)',
    });
  }
  return keep({
    ...base,
    evidence,
    consequence: `orphaned sockets retransmit ${ctx.timelines.orphanRetries ?? '?'} times before being killed${v === 0 ? ' (0 means 8)' : ''}`,
    risk: 'none',
    wrongIf: 'orphans pile up toward tcp_max_orphans',
  });
}
