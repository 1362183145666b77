// Per-netns rates and the trouble ranking of the whole-host view: worst finding first, then overflow/drop rates.
import type { Severity } from '../../model/finding.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { FullestListener, NetnsRates, NetnsSection } from '../../model/host-snapshot.js';

const SEVERITY: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

export const zeroRates = (): NetnsRates => ({
  connIn: 0,
  connOut: 0,
  overflows: 0,
  synDrops: 0,
  rstSent: 0,
  rstRecv: 0,
  synackRetrans: 0,
  drops: 0,
});

/** Rates per second of one netns snapshot; `probes`: eBPF data present (else counters stand in for events). */
export function ratesOf(s: Snapshot, probes: boolean): NetnsRates {
  const c = s.counters;
  const secs = s.intervalMs / 1000;
  const per = (v: number | undefined): number => Math.round(((v ?? 0) / secs) * 100) / 100;
  return {
    connIn: per(c.TcpPassiveOpens),
    connOut: per(probes ? s.transitions['CLOSE->SYN_SENT'] : c.TcpActiveOpens),
    overflows: per(c.TcpExtListenOverflows),
    synDrops: per(c.TcpExtTCPReqQFullDrop),
    rstSent: per(probes ? s.events.resetsSent : c.TcpOutRsts),
    rstRecv: per(probes ? s.events.resetsReceived : c.TcpEstabResets),
    synackRetrans: per(probes ? s.events.synackRetrans : c.TcpExtTCPSynRetrans),
    drops: per(probes ? s.events.drops : c.TcpExtListenDrops),
  };
}

export function addRates(into: NetnsRates, r: NetnsRates): NetnsRates {
  for (const k of Object.keys(into) as (keyof NetnsRates)[]) into[k] = Math.round((into[k] + r[k]) * 100) / 100;
  return into;
}

/** The listener with the fullest accept queue (by fill ratio when the capacity is known, else by depth). */
export function fullestListener(s: Snapshot): FullestListener | undefined {
  let best: FullestListener | undefined;
  let bestFill = -1;
  for (const l of s.census.listeners) {
    const fill = l.capacity > 0 ? l.queue / l.capacity : l.queue > 0 ? 0.5 : 0;
    if (fill > bestFill || (fill === bestFill && best !== undefined && l.queue > best.queue)) {
      bestFill = fill;
      best = { addr: l.addr, port: l.port, queue: l.queue, capacity: l.capacity };
    }
  }
  return best;
}

export function worstSeverity(s: Snapshot | undefined): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of s?.findings ?? [])
    if (worst === undefined || SEVERITY[f.severity] > SEVERITY[worst]) worst = f.severity;
  return worst;
}

/** Higher = more trouble: worst severity dominates, then accept/SYN-queue overflows and drops per second. */
export function troubleKey(sec: Pick<NetnsSection, 'worst' | 'rates' | 'status'>): [number, number, number] {
  const sev = sec.worst ? SEVERITY[sec.worst] : 0;
  const r = sec.rates;
  return [sec.status === 'gone' ? -1 : sev, r.overflows + r.synDrops + r.drops, r.rstSent + r.synackRetrans];
}

const label = (s: NetnsSection): string => s.netns.name ?? String(s.netns.inode);

/** Sorts in place by trouble (stable, deterministic) and numbers the ranks from 1. */
export function rankSections(sections: NetnsSection[]): NetnsSection[] {
  sections.sort((a, b) => {
    const ka = troubleKey(a);
    const kb = troubleKey(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
    return label(a).localeCompare(label(b)) || a.netns.inode - b.netns.inode;
  });
  sections.forEach((s, i) => (s.rank = i + 1));
  return sections;
}
