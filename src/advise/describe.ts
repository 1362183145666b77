// Shared wording of a profile and of one advice line, used by the text and Markdown renderers.
import { endpoint, owner } from '../diagnose/listeners.js';
import type { Advice } from './advice.js';
import { dur, pct } from './advice.js';
import type { Plan } from './plan.js';
import type { WorkloadProfile } from './profile.js';

export const netnsName = (p: WorkloadProfile): string =>
  p.netns.name ? `${p.netns.name} (${p.netns.inode})` : String(p.netns.inode);

/** Short name: `ip_local_port_range`, `listen() backlog [::]:8080 pid 1 (node)`. */
export function settingLabel(a: Advice): string {
  return a.kind === 'app' ? `${a.setting} of ${a.target ?? '?'}` : a.setting.replace(/^net\.(ipv4|core)\./, '');
}

export function actionLabel(a: Advice): string {
  return a.action === 'change'
    ? `${a.current ?? '(absent)'} → ${a.proposed ?? '?'}`
    : `keep ${a.current ?? '(absent)'}`;
}

/** The profile as label/value rows. */
export function profileRows(p: WorkloadProfile): [string, string][] {
  const t = p.totals;
  const k = p.peaks;
  const rows: [string, string][] = [
    [
      'measured',
      `${p.intervals} intervals, ${dur(p.durationMs)} (${p.mode}${p.sysctlChanges ? `, ${p.sysctlChanges} sysctl changes during it` : ''})`,
    ],
    [
      'connections',
      `out ${p.rates.activeOpensPerS}/s avg, peak ${k.activeOpensPerS}/s, ${k.activeOpensPer60s} in the busiest 60 s; in ${p.rates.passiveOpensPerS}/s avg, peak ${k.passiveOpensPerS}/s`,
    ],
    ['concurrency', `peak ESTABLISHED ${k.established}, SYN_SENT ${k.synSent}, SYN_RECV ${k.synRecv}`],
    [
      'handshakes',
      `${t.activeOpens} connects (${t.attemptFails} failed, ${t.synRetrans} SYN retransmits); ${t.passiveOpens} accepted (${t.synackRetrans} SYN-ACK retransmits${t.passiveOpens > 0 ? ` = ${pct(t.synackRetrans, t.passiveOpens)}` : ''}); ${t.estabResets} reset after the handshake`,
    ],
    [
      'connect latency',
      p.connectLatency
        ? `${p.connectLatency.count} connects, worst interval p50 ${p.connectLatency.p50Ms ?? '?'} ms, p99 ${p.connectLatency.p99Ms ?? '?'} ms, max ${p.connectLatency.maxMs ?? '?'} ms`
        : 'not in these snapshots',
    ],
    [
      'queues',
      `accept-queue overflows ${t.listenOverflows} (max ${k.listenOverflowsPerInterval}/interval), listener drops ${t.listenDrops}, SYN-queue drops ${t.reqQFullDrop}, cookies ${t.syncookiesSent}`,
    ],
  ];
  for (const l of p.listeners.slice(0, 5)) {
    rows.push([
      `listener ${endpoint(l.addr, l.port)}`,
      `${owner(l.pid, l.comm)}: peak accept queue ${l.peakQueue} of ${l.capacity} (${pct(l.peakQueue, l.capacity)}), full in ${l.intervalsAtCapacity} intervals, ${l.synackRetrans} SYN-ACK retransmits`,
    ]);
  }
  const range = p.sysctls['net.ipv4.ip_local_port_range'];
  rows.push(
    [
      'TIME_WAIT',
      `peak ${k.timeWait} (ephemeral ports ${range ?? '?'}; tcp_max_tw_buckets ${p.sysctls['net.ipv4.tcp_max_tw_buckets'] ?? '?'}, ${t.timeWaitOverflow} overflowed)`,
    ],
    [
      'closing',
      `peak FIN_WAIT2 ${k.finWait2}, CLOSE_WAIT ${k.closeWait}; orphans ${k.orphans} of tcp_max_orphans ${p.sysctls['net.ipv4.tcp_max_orphans'] ?? '?'} (host-wide), ${t.abortOnMemory} reset for it`,
    ],
    ['keepalive', `${t.keepaliveResets} keepalive-timeout resets, ${t.abortOnTimeout} timeouts (TCPAbortOnTimeout)`],
  );
  return rows;
}

export function verdictLine(plan: Plan): string {
  const changes = plan.advice.filter((a) => a.action === 'change');
  if (changes.length === 0) return 'keep everything: no measured limit was reached (margins below)';
  const app = changes.filter((a) => a.kind === 'app').length;
  return `change ${changes.length} setting${changes.length > 1 ? 's' : ''}${app ? ` (${app} in the application)` : ''}, keep the rest`;
}
