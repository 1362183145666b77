// The findings / alerts log: one entry per finding occurrence (id + since) or pushed alert, newest first.
import type { Finding, Severity } from '../../model/finding.js';
import type { Snapshot } from '../../model/snapshot.js';
import { clock } from './format.js';
import { span, type Line, type Tone } from './markup.js';
import type { PanelSize } from './rates-view.js';

/** An alert record as the alert engine shows it on the dashboard. */
export interface AlertNotice {
  /** ms epoch. */
  time: number;
  severity: Severity;
  /** Rule name, e.g. `overflow-burst`. */
  name: string;
  /** One line: what fired and the value. */
  message: string;
  /** Longer text for the popup (expression, window, actions taken). */
  detail?: string;
  /** Alert engine events (AlertEvent is accepted as is): firing or resolved, and the rule expression. */
  state?: 'firing' | 'resolved';
  expr?: string;
}

export interface LogEntry {
  key: string;
  kind: 'finding' | 'alert';
  /** When it started (finding.since or alert time). */
  time: number;
  severity: Severity;
  id: string;
  title: string;
  /** Still reported by the latest snapshot (findings); alerts are never active. */
  active: boolean;
  lastSeen: number;
  finding: Finding | undefined;
  alert: AlertNotice | undefined;
}

export const SEVERITY_TONE: Record<Severity, Tone> = { info: 'info', warning: 'warn', critical: 'crit' };
const SEVERITY_TAG: Record<Severity, string> = { info: 'INFO', warning: 'WARN', critical: 'CRIT' };

export class FindingLog {
  private readonly entries = new Map<string, LogEntry>();

  constructor(private readonly max = 200) {}

  observe(s: Snapshot): void {
    const seen = new Set<string>();
    for (const f of s.findings) {
      const key = `f:${f.id}@${f.since}`;
      seen.add(key);
      const e = this.entries.get(key);
      if (e) {
        Object.assign(e, { finding: f, severity: f.severity, title: f.title, active: true, lastSeen: s.time });
      } else {
        this.entries.set(key, {
          key,
          kind: 'finding',
          time: f.since,
          severity: f.severity,
          id: f.id,
          title: f.title,
          active: true,
          lastSeen: s.time,
          finding: f,
          alert: undefined,
        });
      }
    }
    for (const e of this.entries.values()) if (e.kind === 'finding' && !seen.has(e.key)) e.active = false;
    this.trim();
  }

  push(a: AlertNotice): void {
    const key = `a:${a.name}@${a.time}:${this.entries.size}`;
    this.entries.set(key, {
      key,
      kind: 'alert',
      time: a.time,
      severity: a.severity,
      id: a.name,
      title: a.state === 'resolved' ? `resolved: ${a.message}` : a.message,
      active: false,
      lastSeen: a.time,
      finding: undefined,
      alert: a,
    });
    this.trim();
  }

  /** Newest first; active findings before ended ones of the same time. */
  list(): LogEntry[] {
    return [...this.entries.values()].sort((a, b) => b.time - a.time || Number(b.active) - Number(a.active));
  }

  private trim(): void {
    if (this.entries.size <= this.max) return;
    const oldest = [...this.entries.values()].sort((a, b) => a.lastSeen - b.lastSeen);
    for (const e of oldest.slice(0, this.entries.size - this.max)) this.entries.delete(e.key);
  }
}

function evidenceText(f: Finding): string {
  return Object.entries(f.evidence)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** Lines of one entry: headline, then evidence and the first advice when there is room. */
export function entryLines(e: LogEntry, selected: boolean, detail: boolean, narrow = false): Line[] {
  const tone = SEVERITY_TONE[e.severity];
  const head: Line = [
    span(selected ? '▶' : ' ', 'info', true),
    span(e.kind === 'alert' ? '⚑' : e.active ? '●' : '○', e.active ? tone : 'dim'),
    span(narrow ? ' ' : ` ${clock(e.time)} `, 'dim'),
    span(SEVERITY_TAG[e.severity], tone, true),
    span(` ${e.id}`, e.active ? tone : 'normal', e.active),
    span(`: ${e.title}`),
  ];
  if (!detail) return [head];
  const lines: Line[] = [head];
  if (e.finding) {
    const ev = evidenceText(e.finding);
    if (ev) lines.push([span('    evidence: ', 'dim'), span(ev)]);
    const names = e.finding.sysctls.map((x) => `${x.name}=${x.value ?? '?'}`).join(' ');
    if (names) lines.push([span('    sysctls: ', 'dim'), span(names, tone)]);
    const fix = e.finding.advice[0];
    if (fix) lines.push([span('    fix: ', 'dim'), span(fix, 'good')]);
  } else if (e.alert) {
    lines.push([span('    alert: ', 'dim'), span(e.alert.message)]);
  }
  return lines;
}

/**
 * The log panel: newest first, the selected entry kept in view. Entries get evidence/fix lines when the panel is
 * tall enough for every entry to have them, else the selected one only.
 */
export function findingLines(entries: readonly LogEntry[], selected: number, size: PanelSize): Line[] {
  if (entries.length === 0) return [[span('no findings: nothing the rules recognise is happening', 'dim')]];
  const narrow = size.width < 60;
  const roomy = entries.reduce((n, e) => n + entryLines(e, false, true, narrow).length, 0) <= size.height;
  const blocks = entries.map((e, i) => entryLines(e, i === selected, roomy || i === selected, narrow));
  // Scroll so that the selected block is visible.
  let start = 0;
  const heightUpTo = (from: number, to: number): number => blocks.slice(from, to + 1).reduce((n, b) => n + b.length, 0);
  while (start < selected && heightUpTo(start, selected) > size.height) start += 1;
  const lines: Line[] = [];
  for (const b of blocks.slice(start)) {
    if (lines.length >= size.height) break;
    lines.push(...b.slice(0, size.height - lines.length));
  }
  return lines;
}

/** The whole explanation, for the popup. */
export function entryDetail(e: LogEntry): Line[] {
  const tone = SEVERITY_TONE[e.severity];
  const lines: Line[] = [
    [
      span(`${SEVERITY_TAG[e.severity]} `, tone, true),
      span(e.id, tone, true),
      span(`  since ${clock(e.time)}${e.active ? ' (active)' : ''}`, 'dim'),
    ],
    [span(e.title, 'normal', true)],
    [],
  ];
  if (e.finding) {
    const f = e.finding;
    lines.push([span('Evidence', 'info', true)]);
    for (const [k, v] of Object.entries(f.evidence)) lines.push([span(`  ${k}: `, 'dim'), span(String(v))]);
    if (f.sysctls.length > 0) {
      lines.push([], [span('Sysctls', 'info', true)]);
      for (const s of f.sysctls) lines.push([span(`  ${s.name} = ${s.value ?? '?'}`, tone, true), span(`  ${s.role}`)]);
    }
    lines.push([], [span('Why', 'info', true)]);
    for (const para of f.explanation.split('\n')) lines.push([span(`  ${para}`)]);
    if (f.advice.length > 0) {
      lines.push([], [span('What to do', 'info', true)]);
      for (const a of f.advice) lines.push([span(`  • ${a}`, 'good')]);
    }
  } else if (e.alert) {
    lines.push([span(e.alert.message)]);
    if (e.alert.expr) lines.push([span('rule: ', 'dim'), span(e.alert.expr)]);
    if (e.alert.state) lines.push([span('state: ', 'dim'), span(e.alert.state)]);
    if (e.alert.detail) for (const para of e.alert.detail.split('\n')) lines.push([span(para)]);
  }
  return lines;
}
