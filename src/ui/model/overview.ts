// The whole-host overview as text: host totals on top, then one row per netns in trouble order, fitted to the width,
// filtered by name, scrolled so the selected row stays visible. Pure functions of a HostSnapshot.
import type { HostSnapshot, NetnsSection } from '../../model/host-snapshot.js';
import type { SessionInfo } from '../../model/session.js';
import { clock, fmtInterval, fmtNum } from './format.js';
import { modeText, PROCFS_FIX } from './header.js';
import { fitLine, pad, span, type Line, type Span } from './markup.js';
import { netnsName } from './netns-name.js';
import { cellOf, fitColumns, type FittedColumn } from './overview-columns.js';

/** The sections whose name contains `filter` (case-insensitive); all when the filter is empty. */
export function filterSections(sections: readonly NetnsSection[], filter: string): NetnsSection[] {
  const f = filter.trim().toLowerCase();
  if (f === '') return [...sections];
  return sections.filter((s) => netnsName(s.netns).toLowerCase().includes(f) || String(s.netns.inode).includes(f));
}

export interface OverviewUi {
  paused: boolean;
  recording: string | undefined;
  ended: string | undefined;
  message: string | undefined;
  filter: string;
  /** The latest alert line, if any. */
  alert: string | undefined;
}

/** Three lines: what and how we watch; host totals; messages and keys. */
export function overviewHeader(info: SessionInfo, h: HostSnapshot | undefined, ui: OverviewUi, width: number): Line[] {
  const sep = span(width < 120 ? '│' : ' │ ', 'dim');
  const l1: Line = [
    span('tcpscope ', 'info', true),
    span(modeText(info), info.mode === 'procfs' ? 'warn' : info.mode === 'replay' ? 'info' : 'good', true),
    span(` ${fmtInterval(info.intervalMs)}`),
    sep,
    span('whole host', 'info', true),
  ];
  if (ui.paused) l1.push(sep, span('‖ PAUSED', 'warn', true));
  if (ui.recording !== undefined) l1.push(sep, span('● REC', 'crit', true), span(` ${ui.recording}`, 'dim'));
  if (info.port !== undefined) l1.push(sep, span(`port ${info.port}`, 'warn', true));
  if (h) {
    const t = h.totals;
    l1.push(
      sep,
      span(`${t.namespaces} netns`, 'normal', true),
      span(` (${t.troubled} troubled, ${t.idle} idle)`, t.troubled > 0 ? 'warn' : 'dim'),
    );
  }
  l1.push(sep, span(info.host, 'normal', true), sep, span(`kernel ${info.kernel}`));

  const l2: Line = [];
  if (!h) l2.push(span('waiting for the first interval…', 'dim'));
  else {
    const st = h.totals.states;
    const r = h.totals.rates;
    const f = h.totals.findings;
    const n = (v: number | undefined): string => fmtNum(v ?? 0);
    const loss = (label: string, v: number): Span[] => [span(label), span(fmtNum(v), v > 0 ? 'crit' : 'dim', v > 0)];
    // Loss first: an 80-column cut keeps it.
    l2.push(
      span('host ', 'info', true),
      ...loss('ovfl/s ', r.overflows),
      ...loss(' synq/s ', r.synDrops),
      ...loss(' drop/s ', r.drops),
      sep,
      span(`ESTAB ${n(st.ESTABLISHED)} SYNRCV ${n(st.SYN_RECV)} TW ${n(st.TIME_WAIT)} CW ${n(st.CLOSE_WAIT)}`),
      sep,
      span(`conn/s in ${fmtNum(r.connIn)} out ${fmtNum(r.connOut)}`),
      sep,
      span(`rst/s tx ${fmtNum(r.rstSent)} rx ${fmtNum(r.rstRecv)} SArtx/s ${fmtNum(r.synackRetrans)}`),
    );
    if (f.critical + f.warning > 0)
      l2.push(
        sep,
        span(`${f.critical} crit`, f.critical > 0 ? 'crit' : 'dim', true),
        span(` ${f.warning} warn`, 'warn'),
      );
  }

  const l3: Line = [];
  if (ui.message) l3.push(span(ui.message, 'warn', true), sep);
  if (ui.ended) l3.push(span(`ended: ${ui.ended}`, 'warn', true), sep);
  if (ui.filter) l3.push(span(`filter "${ui.filter}" (esc clears)`, 'warn', true), sep);
  if (info.mode === 'procfs')
    l3.push(span(`procfs-only: ${info.modeReason ?? 'eBPF unavailable'} — ${PROCFS_FIX}`, 'warn'), sep);
  if (ui.alert) l3.push(span(ui.alert, 'crit'), sep);
  if (h) {
    if (h.gaps.length) l3.push(span(`tracer gap: ${h.gaps.map((g) => g.reason).join('; ')}`, 'warn'), sep);
    if (h.events.lost > 0) l3.push(span(`lost ${h.events.lost}`, 'crit', true), sep);
    if (h.notes[0]) l3.push(span(`degraded: ${h.notes[0]}`, 'warn'), sep);
    l3.push(span(`last ${clock(h.time)}`, 'dim'), sep);
  }
  l3.push(
    span(width < 120 ? '↑↓ enter / filter ? help q' : '↑↓ select  enter open  / filter  r rec  ? help  q quit', 'dim'),
  );
  return [fitLine(l1, width), fitLine(l2, width), fitLine(l3, width)];
}

function cell(c: FittedColumn, s: Span): Span {
  return { ...s, text: pad(s.text, c.drawn, c.align) };
}

export interface TableView {
  /** The table lines: the column header, then the visible rows. */
  lines: Line[];
  /** Index (in `rows`) of the first visible row. */
  first: number;
}

/**
 * The table at `width`×`height` (header row included): rows are `rows` in order, the `selected` one marked ▶ and
 * kept visible (scrolling by whole pages of rows).
 */
export function overviewTable(
  rows: readonly NetnsSection[],
  selected: number,
  width: number,
  height: number,
): TableView {
  const cols = fitColumns(Math.max(0, width - 1)); // one cell for the ▶ marker
  const header: Line = [span(' ')];
  cols.forEach((c, i) => {
    if (i > 0) header.push(span(' '));
    header.push(span(pad(c.header, c.drawn, c.align), 'info', true));
  });
  const room = Math.max(1, height - 1);
  const first = selected < room ? 0 : Math.min(selected - room + 1, Math.max(0, rows.length - room));
  const lines: Line[] = [header];
  if (rows.length === 0) lines.push([span('  (no namespace matches)', 'dim')]);
  rows.slice(first, first + room).forEach((sec, i) => {
    const mine = first + i === selected;
    const line: Line = [span(mine ? '▶' : ' ', 'info', true)];
    cols.forEach((c, j) => {
      if (j > 0) line.push(span(' '));
      line.push(cell(c, cellOf(c, sec)));
    });
    lines.push(fitLine(line, width));
  });
  return { lines, first };
}
