// The incident report of a whole-host recording: one ReportBuilder per netns fed with that netns's own snapshots, the
// namespaces that had findings first (most severe, longest), the quiet ones only listed.
import type { Severity } from '../model/finding.js';
import { sectionLabelOf } from '../pipeline/wholehost/label.js';
import { ReportBuilder, type IncidentReport } from '../record/report.js';
import { renderReport, type ReportFormat } from '../record/report-render.js';
import type { ReplayOptions } from './replay.js';
import { replayHostSession } from './replay-host.js';

export interface HostIncidentReport {
  kind: 'host';
  /** Namespaces with findings, most troubled first, each with its full report. */
  troubled: { netns: string; inode: number; worst: Severity; report: IncidentReport }[];
  /** Namespaces seen without any finding. */
  quiet: string[];
  snapshots: number;
}

const RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

export async function buildHostReport(
  path: string,
  opts: Pick<ReplayOptions, 'from' | 'to'> = {},
): Promise<HostIncidentReport> {
  const session = await replayHostSession(path, { speed: 'max', from: opts.from, to: opts.to });
  const builders = new Map<
    number,
    { label: string; builder: ReportBuilder; worst: Severity | undefined; findingIntervals: number }
  >();
  let snapshots = 0;
  for await (const list of session.batches()) {
    for (const h of list) {
      snapshots++;
      for (const sec of h.namespaces) {
        if (!sec.snapshot) continue;
        let b = builders.get(sec.netns.inode);
        if (!b)
          builders.set(
            sec.netns.inode,
            (b = {
              label: sectionLabelOf(sec.netns),
              builder: new ReportBuilder(),
              worst: undefined,
              findingIntervals: 0,
            }),
          );
        b.builder.add(sec.snapshot);
        if (sec.worst && (b.worst === undefined || RANK[sec.worst] > RANK[b.worst])) b.worst = sec.worst;
        if (sec.snapshot.findings.length > 0) b.findingIntervals++;
      }
    }
  }
  const recording = {
    startedAt: session.position().startedAt,
    tcpscopeVersion: session.header.tcpscopeVersion,
    info: session.header.description.info,
    sysctls: session.header.description.sysctls,
  };
  const troubled = [...builders.entries()]
    .filter(([, b]) => b.worst !== undefined)
    .sort(
      ([, a], [, b]) =>
        RANK[b.worst!] - RANK[a.worst!] || b.findingIntervals - a.findingIntervals || a.label.localeCompare(b.label),
    )
    .map(([inode, b]) => {
      const report = b.builder.build({ path, stats: session.stats, recording });
      report.recording.netns = b.label;
      return { netns: b.label, inode, worst: b.worst!, report };
    });
  const quiet = [...builders.values()]
    .filter((b) => b.worst === undefined)
    .map((b) => b.label)
    .sort();
  return { kind: 'host', troubled, quiet, snapshots };
}

export function renderHostReport(r: HostIncidentReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const md = format === 'markdown';
  const head = md ? '# tcpscope whole-host report' : 'tcpscope whole-host report';
  const summary = `${r.snapshots} intervals; ${r.troubled.length} netns with findings (${r.troubled.map((t) => `${t.netns}: ${t.worst}`).join(', ') || 'none'}); ${r.quiet.length} quiet${r.quiet.length ? ` (${r.quiet.join(', ')})` : ''}`;
  const parts = [head, '', summary, ''];
  for (const t of r.troubled)
    parts.push(md ? `## netns ${t.netns}` : `===== netns ${t.netns} =====`, '', renderReport(t.report, format));
  return `${parts.join('\n')}\n`;
}
