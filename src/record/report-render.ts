// Renders an IncidentReport for people who were not there: plain text for a terminal, Markdown for an incident ticket.
import { latencyMarkdown, latencyText } from './report-latency.js';
import { elapsedClock, type IncidentReport } from './report.js';

export type ReportFormat = 'text' | 'markdown' | 'json';

const iso = (t: number): string =>
  new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

const at = (r: IncidentReport, t: number): string => `${elapsedClock(t - r.recording.startedAt)}`;
const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const evidence = (e: Record<string, number | string>): string =>
  Object.entries(e)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

function quality(r: IncidentReport): string[] {
  const out: string[] = [];
  const rec = r.recording;
  if (rec.truncated) out.push(`the recording was cut: ${rec.truncated}`);
  else if (rec.endReason === undefined) out.push('the recording has no end marker (recorder killed?)');
  if (rec.skippedLines > 0) out.push(`${rec.skippedLines} corrupt line(s) skipped (${rec.skippedExamples.join('; ')})`);
  if (rec.mode === 'procfs')
    out.push(`recorded in procfs mode (counters only, no eBPF events): ${rec.modeReason ?? ''}`.trim());
  return out;
}

function subject(r: IncidentReport): string {
  const rec = r.recording;
  const more = rec.segments > 1 ? ` and ${rec.segments - 1} more concatenated recording(s)` : '';
  return `${rec.host} (netns ${rec.netns}${more})${rec.port !== undefined ? `, port ${rec.port}` : ''}`;
}

function provenance(r: IncidentReport): string {
  const rec = r.recording;
  const mode =
    rec.mode === 'ebpf'
      ? `eBPF mode${rec.bpftraceVersion ? `, bpftrace ${rec.bpftraceVersion}` : ''}`
      : `${rec.mode} mode`;
  return `Recorded ${iso(rec.startedAt)} for ${duration(rec.endedAt - rec.startedAt)} (${rec.snapshots} snapshot${rec.snapshots === 1 ? '' : 's'}, one per ${rec.intervalMs} ms interval) by tcpscope ${rec.tcpscopeVersion} on Linux ${rec.kernel} (${mode}).`;
}

export function renderText(r: IncidentReport): string {
  const L: string[] = [];
  L.push(`TCP incident report: ${subject(r)}`);
  L.push(provenance(r));
  L.push(`Times below are offsets from ${iso(r.recording.startedAt)}.`);
  for (const q of quality(r)) L.push(`Note: ${q}`);
  L.push('');
  L.push(r.findings.length === 0 ? 'FINDINGS: none' : `FINDINGS (${r.findings.length})`);
  r.findings.forEach((f, i) => {
    L.push(`${i + 1}. [${f.severity}] ${f.title} (${f.id})`);
    L.push(`   seen ${at(r, f.firstSeen)} - ${at(r, f.lastSeen)}, ${f.intervals} interval(s)`);
    L.push(`   evidence: ${evidence(f.evidence)}`);
    L.push(`   why: ${f.explanation}`);
    for (const s of f.sysctls) L.push(`   sysctl ${s.name} = ${s.value ?? '(unreadable)'}: ${s.role}`);
    for (const a of f.advice) L.push(`   do: ${a}`);
  });
  L.push('');
  L.push('TIMELINE');
  if (r.timeline.length === 0) L.push('  nothing notable');
  for (const e of r.timeline) L.push(`  ${at(r, e.t)}  ${e.text}`);
  L.push('');
  L.push('TOTALS');
  for (const t of Object.values(r.totals)) if (t.value > 0) L.push(`  ${t.label}: ${t.value}`);
  L.push('');
  L.push('TOP LISTENERS');
  if (r.listeners.length === 0) L.push('  none seen');
  for (const l of r.listeners) {
    L.push(
      `  ${l.addr}:${l.port} ${l.comm ? `${l.comm}[${l.pid ?? '?'}]` : ''} capacity ${l.capacity}, max queue ${l.maxQueue}, at capacity ${l.intervalsAtCapacity} interval(s), SYN-ACK retransmits ${l.synackRetrans}`.replace(
        / {2,}/g,
        ' ',
      ),
    );
  }
  L.push(...latencyText(r.latency));
  L.push('');
  L.push('SYSCTLS');
  if (r.sysctls.changes.length === 0) L.push('  none changed during the recording');
  for (const c of r.sysctls.changes)
    L.push(`  changed at ${at(r, c.t)}: ${c.name} ${c.old ?? '(absent)'} -> ${c.new ?? '(absent)'}`);
  L.push(`  in force at the end (${Object.keys(r.sysctls.inForce).length}):`);
  for (const [k, v] of Object.entries(r.sysctls.inForce).sort(([a], [b]) => (a < b ? -1 : 1)))
    L.push(`    ${k} = ${v}`);
  return `${L.join('\n')}\n`;
}

export function renderMarkdown(r: IncidentReport): string {
  const L: string[] = [];
  L.push(`# TCP incident report: ${subject(r)}`, '');
  L.push(
    `${provenance(r)} Times are offsets from the start (${iso(r.recording.startedAt)}). Source: \`${r.recording.path}\`.`,
    '',
  );
  const q = quality(r);
  if (q.length) L.push(...q.map((x) => `> **Note:** ${x}`), '');
  L.push('## Summary', '');
  if (r.findings.length === 0) L.push('- No finding was raised.');
  for (const f of r.findings)
    L.push(`- **${f.severity}**: ${f.title} (\`${f.id}\`), ${at(r, f.firstSeen)}–${at(r, f.lastSeen)}`);
  const counts = Object.values(r.totals).filter((t) => t.value > 0);
  if (counts.length) L.push(`- Totals: ${counts.map((t) => `${t.label} **${t.value}**`).join('; ')}`);
  L.push('');
  if (r.findings.length) {
    L.push('## Findings', '');
    r.findings.forEach((f, i) => {
      L.push(`### ${i + 1}. ${f.title}`, '');
      L.push(
        `\`${f.id}\`, **${f.severity}**, seen ${at(r, f.firstSeen)}–${at(r, f.lastSeen)} (${f.intervals} interval(s)).`,
        '',
      );
      L.push(
        `**Evidence:** ${Object.entries(f.evidence)
          .map(([k, v]) => `${k} = \`${v}\``)
          .join(', ')}`,
        '',
      );
      L.push(`**Why:** ${f.explanation}`, '');
      if (f.sysctls.length) {
        L.push('| sysctl | value | role |', '|---|---|---|');
        for (const s of f.sysctls) L.push(`| \`${s.name}\` | \`${s.value ?? 'unreadable'}\` | ${mdCell(s.role)} |`);
        L.push('');
      }
      if (f.advice.length) {
        L.push('**What to do:**', '');
        for (const a of f.advice) L.push(`- ${a}`);
        L.push('');
      }
    });
  }
  L.push('## Timeline', '');
  if (r.timeline.length === 0) L.push('Nothing notable.');
  else {
    L.push('| time | event |', '|---|---|');
    for (const e of r.timeline) L.push(`| ${at(r, e.t)} | ${mdCell(e.text)} |`);
  }
  L.push('');
  if (r.episodes.length) {
    L.push('## Peaks', '', '| metric | from | to | total | peak | peak at |', '|---|---|---|---|---|---|');
    for (const e of r.episodes) {
      L.push(
        `| ${e.label} | ${at(r, e.start)} | ${at(r, e.end)} | ${e.kind === 'count' ? e.total : '—'} | ${e.peak}${e.kind === 'count' ? '/interval' : ''} | ${at(r, e.peakAt)} |`,
      );
    }
    L.push('');
  }
  L.push('## Top listeners', '');
  if (r.listeners.length === 0) L.push('None seen.');
  else {
    L.push(
      '| listener | process | capacity | max queue | intervals at capacity | SYN-ACK retransmits |',
      '|---|---|---|---|---|---|',
    );
    for (const l of r.listeners)
      L.push(
        `| \`${l.addr}:${l.port}\` | ${l.comm ? `${mdCell(l.comm)} (${l.pid ?? '?'})` : '—'} | ${l.capacity} | ${l.maxQueue} | ${l.intervalsAtCapacity} | ${l.synackRetrans} |`,
      );
  }
  L.push('', ...latencyMarkdown(r.latency));
  L.push('## Sysctls', '');
  if (r.sysctls.changes.length === 0) L.push('None changed during the recording.');
  else {
    L.push('| time | sysctl | before | after |', '|---|---|---|---|');
    for (const c of r.sysctls.changes)
      L.push(`| ${at(r, c.t)} | \`${c.name}\` | \`${c.old ?? 'absent'}\` | \`${c.new ?? 'absent'}\` |`);
  }
  const inForce = Object.entries(r.sysctls.inForce).sort(([a], [b]) => (a < b ? -1 : 1));
  L.push(
    '',
    `<details><summary>${inForce.length} sysctls in force at the end</summary>`,
    '',
    '| sysctl | value |',
    '|---|---|',
  );
  for (const [k, v] of inForce) L.push(`| \`${k}\` | \`${mdCell(v)}\` |`);
  L.push('', '</details>', '');
  return L.join('\n');
}

export function renderReport(r: IncidentReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  return format === 'markdown' ? renderMarkdown(r) : renderText(r);
}
