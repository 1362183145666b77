// orphan-pressure: closed-but-not-finished sockets near tcp_max_orphans, where the kernel starts resetting them
// (TCPAbortOnMemory); tcp_orphan_retries (0 means 8) sets how long each orphan may keep retransmitting.
import type { Rule } from '../rule.js';
import { counter } from '../context.js';
import { effectiveOrphanRetries, fmtS, modelTimeoutMs } from '../timelines.js';
import { sysctlCommand } from '../values.js';

const FRACTION = 0.5;
/** TCP_RTO_MIN: the base of the kernel's retransmission timeout model for established/orphaned sockets. */
const RTO_MIN_MS = 200;

export const orphanPressure: Rule = {
  id: 'orphan-pressure',
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const orphans = s.census.sockstat['TCP.orphan'] ?? 0;
    const maxOrphans = ctx.num('net.ipv4.tcp_max_orphans');
    const abortOnMemory = counter(s, 'TcpExtTCPAbortOnMemory');
    const near = maxOrphans !== undefined && maxOrphans > 0 && orphans >= maxOrphans * FRACTION;
    if (!near && abortOnMemory === 0) return undefined;
    const retriesRaw = ctx.num('net.ipv4.tcp_orphan_retries');
    const retries = retriesRaw === undefined ? undefined : effectiveOrphanRetries(retriesRaw);
    const evidence: Record<string, number | string> = { orphans, abortOnMemory };
    if (maxOrphans !== undefined) evidence.maxOrphans = maxOrphans;
    if (retries !== undefined) evidence.orphanRetries = retries;
    const advice: string[] = [];
    if (maxOrphans !== undefined)
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_max_orphans', Math.max(maxOrphans * 2, 262144))}  # each orphan costs up to ~64 KB of unsent data`,
      );
    if (retries !== undefined && retries > 3)
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_orphan_retries', 3)}  # give up on unresponsive peers sooner`,
      );
    advice.push(
      'find why peers stop acknowledging (dead clients, lossy path): orphans pile up when closed connections cannot deliver their last data/FIN',
    );
    return {
      id: 'orphan-pressure',
      severity: abortOnMemory > 0 ? 'critical' : 'warning',
      title:
        abortOnMemory > 0
          ? `${abortOnMemory} orphaned sockets reset for lack of memory/orphan slots (${orphans} orphans)`
          : `${orphans} orphaned sockets, ≥ ${FRACTION * 100}% of tcp_max_orphans=${maxOrphans}`,
      evidence,
      sysctls: [
        ctx.ref(
          'net.ipv4.tcp_max_orphans',
          'past it, orphans are reset (TCPAbortOnMemory, "too many orphaned sockets")',
        ),
        ctx.ref('net.ipv4.tcp_orphan_retries', 'retransmits before an orphan gives up (0 means 8)'),
        ctx.ref('net.ipv4.tcp_fin_timeout', 'lifetime of orphaned FIN_WAIT2 sockets'),
      ],
      explanation:
        'An orphan is a socket the application closed while data or its FIN is still unacknowledged (FIN_WAIT1, LAST_ACK, CLOSING, FIN_WAIT2). ' +
        `Past tcp_max_orphans${maxOrphans !== undefined ? ` = ${maxOrphans}` : ''} the kernel resets them (counted as TCPAbortOnMemory; it weighs an orphan up to 4× when its peer looks dead). ` +
        (retries !== undefined
          ? `tcp_orphan_retries=${retriesRaw}${retriesRaw === 0 ? ' (0 means 8)' : ''}: an orphan retransmits ${retries} times, about ${fmtS(modelTimeoutMs(retries, RTO_MIN_MS))} s at the minimum RTO, longer on slow paths.`
          : ''),
      advice,
    };
  },
};
