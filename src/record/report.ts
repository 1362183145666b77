// Builds an incident report from a recording: replays it through the pipeline at max speed and folds the snapshots.
import type { Finding, Severity } from '../model/finding.js';
import type { Snapshot, SysctlChange } from '../model/snapshot.js';
import type { ReadStats } from './reader.js';
import {
  REPORT_METRICS,
  elapsedClock,
  type Episode,
  type MetricDef,
  type IncidentReport,
  type ReportFinding,
  type ReportListener,
  type TimelineEvent,
} from './report-types.js';

export {
  elapsedClock,
  type Episode,
  type IncidentReport,
  type ReportFinding,
  type ReportListener,
  type TimelineEvent,
} from './report-types.js';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
/** Quiet intervals that still belong to the same episode. */
const EPISODE_GAP = 2;

interface OpenEpisode extends Episode {
  quiet: number;
}

/** Folds snapshots into a report, one at a time (memory bounded by the number of findings/listeners/episodes). */
export class ReportBuilder {
  private first: Snapshot | undefined;
  private last: Snapshot | undefined;
  private count = 0;
  private readonly totals = new Map<string, number>();
  private readonly open = new Map<string, OpenEpisode>();
  private readonly episodes: Episode[] = [];
  private readonly findings = new Map<string, ReportFinding>();
  private readonly raised = new Set<string>();
  private readonly timeline: TimelineEvent[] = [];
  private readonly listeners = new Map<string, ReportListener>();
  private readonly changes: SysctlChange[] = [];

  add(s: Snapshot): void {
    this.first ??= s;
    this.last = s;
    this.count++;
    for (const m of REPORT_METRICS) this.metric(m, s);
    this.findingsOf(s);
    for (const l of s.census.listeners) {
      const key = `${l.addr}:${l.port}`;
      const r = this.listeners.get(key) ?? {
        addr: l.addr,
        port: l.port,
        comm: l.comm,
        pid: l.pid,
        capacity: l.capacity,
        maxQueue: 0,
        intervalsAtCapacity: 0,
        synackRetrans: 0,
      };
      r.maxQueue = Math.max(r.maxQueue, l.queue);
      r.capacity = l.capacity;
      r.comm = l.comm ?? r.comm;
      r.pid = l.pid ?? r.pid;
      if (l.atCapacity) r.intervalsAtCapacity++;
      this.listeners.set(key, r);
    }
    for (const sa of s.events.synackRetransByListener) {
      const key = `${sa.laddr}:${sa.lport}`;
      const r = this.listeners.get(key) ?? {
        addr: sa.laddr,
        port: sa.lport,
        comm: undefined,
        pid: undefined,
        capacity: sa.acceptCapacity,
        maxQueue: sa.acceptQueue,
        intervalsAtCapacity: 0,
        synackRetrans: 0,
      };
      r.synackRetrans += sa.count;
      this.listeners.set(key, r);
    }
    for (const c of s.sysctlChanges) {
      this.changes.push(c);
      this.timeline.push({ t: c.t, text: `sysctl ${c.name} changed: ${c.old ?? '(absent)'} → ${c.new ?? '(absent)'}` });
    }
    for (const g of s.gaps) {
      this.timeline.push({
        t: s.time,
        text: `tracing gap: ${g.reason}${g.durationMs !== undefined ? ` (${g.durationMs} ms)` : ''}`,
      });
    }
  }

  private metric(m: MetricDef, s: Snapshot): void {
    const v = m.value(s);
    if (m.kind === 'count') this.totals.set(m.id, (this.totals.get(m.id) ?? 0) + v);
    else this.totals.set(m.id, Math.max(this.totals.get(m.id) ?? 0, v));
    const ep = this.open.get(m.id);
    const active = m.kind === 'count' ? v > 0 : v > 0 && (ep === undefined ? v >= 10 : v >= ep.peak / 4);
    if (active) {
      if (!ep) {
        this.open.set(m.id, {
          metric: m.id,
          label: m.label,
          kind: m.kind,
          start: s.time,
          end: s.time,
          total: v,
          peak: v,
          peakAt: s.time,
          quiet: 0,
        });
        return;
      }
      ep.end = s.time;
      ep.quiet = 0;
      ep.total = m.kind === 'count' ? ep.total + v : Math.max(ep.total, v);
      if (v > ep.peak) {
        ep.peak = v;
        ep.peakAt = s.time;
      }
    } else if (ep && ++ep.quiet > EPISODE_GAP) {
      this.closeEpisode(m.id, ep);
    }
  }

  private closeEpisode(id: string, ep: OpenEpisode): void {
    this.open.delete(id);
    const { quiet: _quiet, ...done } = ep;
    this.episodes.push(done);
  }

  private findingsOf(s: Snapshot): void {
    const now = new Set<string>();
    for (const f of s.findings) {
      now.add(f.id);
      const r = this.findings.get(f.id);
      if (!r) {
        this.findings.set(f.id, toReportFinding(f, s.time));
      } else {
        r.lastSeen = s.time;
        r.intervals++;
        // The report shows the finding at its worst: the latest occurrence at its highest severity.
        if (SEVERITY_RANK[f.severity] <= SEVERITY_RANK[r.severity]) {
          Object.assign(r, {
            severity: f.severity,
            title: f.title,
            evidence: f.evidence,
            sysctls: f.sysctls,
            explanation: f.explanation,
            advice: f.advice,
          });
        }
      }
      if (!this.raised.has(f.id))
        this.timeline.push({ t: s.time, text: `finding raised: ${f.title} [${f.id}, ${f.severity}]` });
    }
    for (const id of this.raised) if (!now.has(id)) this.timeline.push({ t: s.time, text: `finding cleared: ${id}` });
    this.raised.clear();
    for (const id of now) this.raised.add(id);
  }

  build(meta: {
    path: string;
    stats: ReadStats;
    recording: {
      startedAt: number;
      tcpscopeVersion: string;
      info: import('../model/session.js').SessionInfo;
      sysctls: Record<string, string>;
    };
  }): IncidentReport {
    for (const [id, ep] of [...this.open]) this.closeEpisode(id, ep);
    const info = meta.recording.info;
    const timeline = [
      ...this.timeline,
      ...biggestPerMetric(this.episodes).map((e) => ({
        t: e.peakAt,
        text: `peak: ${e.label} ${e.peak}${e.kind === 'count' ? ` in one interval (${e.total} from ${elapsedClock(e.start - meta.recording.startedAt)} to ${elapsedClock(e.end - meta.recording.startedAt)})` : ''}`,
      })),
    ].sort((a, b) => a.t - b.t);
    const totals: IncidentReport['totals'] = {};
    for (const m of REPORT_METRICS)
      totals[m.id] = {
        label: m.kind === 'gauge' ? `max ${m.label}` : m.label,
        kind: m.kind,
        value: this.totals.get(m.id) ?? 0,
      };
    const listeners = [...this.listeners.values()]
      .sort(
        (a, b) =>
          b.intervalsAtCapacity - a.intervalsAtCapacity ||
          b.synackRetrans - a.synackRetrans ||
          b.maxQueue - a.maxQueue ||
          a.port - b.port,
      )
      .slice(0, 10);
    return {
      recording: {
        path: meta.path,
        host: info.host,
        kernel: info.kernel,
        netns: info.netns.name ?? `inode ${info.netns.inode}`,
        mode: info.mode,
        modeReason: info.modeReason,
        bpftraceVersion: info.bpftraceVersion,
        tcpscopeVersion: meta.recording.tcpscopeVersion,
        port: info.port,
        intervalMs: info.intervalMs,
        startedAt: meta.recording.startedAt,
        endedAt: this.last?.time ?? meta.recording.startedAt,
        snapshots: this.count,
        skippedLines: meta.stats.skipped,
        skippedExamples: meta.stats.skippedExamples,
        truncated: meta.stats.truncated,
        endReason: meta.stats.endReason,
        alerts: meta.stats.alerts,
        segments: meta.stats.segments,
      },
      totals,
      episodes: [...this.episodes].sort((a, b) => a.start - b.start),
      findings: [...this.findings.values()].sort(
        (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.firstSeen - b.firstSeen,
      ),
      timeline,
      listeners,
      sysctls: { inForce: this.last?.sysctls ?? meta.recording.sysctls, changes: this.changes },
    };
  }
}

/** The timeline shows one peak per metric (its biggest episode); the Peaks table lists them all. */
function biggestPerMetric(episodes: readonly Episode[]): Episode[] {
  const best = new Map<string, Episode>();
  for (const e of episodes) {
    const b = best.get(e.metric);
    if (!b || e.peak > b.peak) best.set(e.metric, e);
  }
  return [...best.values()];
}

function toReportFinding(f: Finding, t: number): ReportFinding {
  return {
    id: f.id,
    severity: f.severity,
    title: f.title,
    firstSeen: f.since ?? t,
    lastSeen: t,
    intervals: 1,
    evidence: f.evidence,
    sysctls: f.sysctls,
    explanation: f.explanation,
    advice: f.advice,
  };
}
