// The plan of one netns: every topic's advice, the refused folklore, and the margins a healthy workload keeps.
import { adviceContext, pct, type Advice, type Refusal, type Topic } from './advice.js';
import type { WorkloadProfile } from './profile.js';
import { acceptQueue } from './topics/accept-queue.js';
import { folklore } from './topics/folklore.js';
import { handshake } from './topics/handshake.js';
import { keepalive } from './topics/keepalive.js';
import { orphans } from './topics/orphans.js';
import { synQueue } from './topics/syn-queue.js';
import { timeWait } from './topics/time-wait.js';
import { portCapacity } from '../diagnose/timelines.js';

export const TOPICS: readonly Topic[] = [acceptQueue, synQueue, handshake, timeWait, orphans, keepalive];

export interface Plan {
  profile: WorkloadProfile;
  /** 'keep': nothing to change (the margins say by how much). */
  verdict: 'keep' | 'change';
  advice: Advice[];
  refusals: Refusal[];
  /** Measured headroom, one line each. */
  margins: string[];
}

export function buildPlan(profile: WorkloadProfile): Plan {
  const ctx = adviceContext(profile);
  const advice = TOPICS.flatMap((t) => t(ctx));
  return {
    profile,
    verdict: advice.some((a) => a.action === 'change') ? 'change' : 'keep',
    advice,
    refusals: folklore(ctx),
    margins: margins(profile),
  };
}

function margins(p: WorkloadProfile): string[] {
  const out: string[] = [];
  const l = [...p.listeners].sort(
    (a, b) => b.peakQueue / Math.max(1, b.capacity) - a.peakQueue / Math.max(1, a.capacity),
  )[0];
  if (l)
    out.push(
      `fullest accept queue: ${l.peakQueue} of ${l.capacity} on port ${l.port} (${pct(l.peakQueue, l.capacity)})`,
    );
  const ports = portCapacity(p.sysctls['net.ipv4.ip_local_port_range'] ?? '');
  if (ports)
    out.push(
      `TIME_WAIT peak ${p.peaks.timeWait} vs ${ports.ports} ephemeral ports per destination (${pct(p.peaks.timeWait, ports.ports)})`,
    );
  const tw = Number(p.sysctls['net.ipv4.tcp_max_tw_buckets']);
  if (tw > 0) out.push(`TIME_WAIT peak vs tcp_max_tw_buckets ${tw}: ${pct(p.peaks.timeWait, tw)}`);
  const orph = Number(p.sysctls['net.ipv4.tcp_max_orphans']);
  if (orph > 0) out.push(`orphans peak ${p.peaks.orphans} vs tcp_max_orphans ${orph} (${pct(p.peaks.orphans, orph)})`);
  out.push(
    `SYN-ACK retransmits ${p.totals.synackRetrans} for ${p.totals.passiveOpens} accepted connections; SYN retransmits ${p.totals.synRetrans} for ${p.totals.activeOpens} connects`,
  );
  out.push(
    `overflows: accept queue ${p.totals.listenOverflows}, SYN queue ${p.totals.reqQFullDrop}, TIME_WAIT table ${p.totals.timeWaitOverflow}, orphans ${p.totals.abortOnMemory}`,
  );
  return out;
}
