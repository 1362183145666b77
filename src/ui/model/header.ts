// The two header lines: where we look (host, kernel, netns), how (mode, interval) and the state of the UI.
import { ownerLabel } from '../../kernel/runtimes/label.js';
import type { ReplayState, SessionInfo } from '../../model/session.js';
import type { History } from './history.js';
import { clock, fmtInterval, fmtSpeed, offset } from './format.js';
import { fitLine, lineLength, span, type Line, type Span } from './markup.js';
import { netnsName } from './netns-name.js';

export interface HeaderState {
  paused: boolean;
  /** Snapshots buffered while paused. */
  pending: number;
  /** Recording file, when recording. */
  recording: string | undefined;
  /** Why the session ended (stream completed), when it has. */
  ended: string | undefined;
  /** A transient message (validation error, restart in progress...). */
  message: string | undefined;
  /** The flight recorder (--on-alert), when there is one. */
  flight?: { depthMs: number; incidents: number; open: string | undefined } | undefined;
  /** Where a replay is and how it runs (replays only). */
  replay?: ReplayState | undefined;
  /** Opened from the whole-host overview: esc goes back to it. */
  back?: boolean;
}

export const PROCFS_FIX = 'for eBPF run `sudo tcpscope doctor`';

export function modeText(info: SessionInfo): string {
  if (info.mode === 'ebpf') return 'eBPF';
  if (info.mode === 'replay') return 'REPLAY';
  return 'PROCFS-ONLY';
}

/** `14m59s`: how far back the flight recorder reaches. */
export function ringDepth(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The message/end-reason spans (each followed by `sep`) cut to `room` cells, still ending with `sep`. */
function shortenLead(lead: Line, room: number, sep: Span): Line {
  if (lineLength(lead) <= room) return lead;
  const cut = room - sep.text.length;
  return cut >= 2 ? [...fitLine(lead, cut), sep] : [];
}

export function headerLines(info: SessionInfo, h: History, ui: HeaderState, width: number): Line[] {
  const narrow = width < 120;
  const sep = span(narrow ? '│' : ' │ ', 'dim');
  // What runs in it, as of the latest snapshot (a container renamed or replaced shows at once): `web1 (docker, nginx:1.27)`.
  const ref = h.latest?.netns.inode === info.netns.inode ? h.latest.netns : info.netns;
  const ns = ref.owner
    ? `${ownerLabel(ref.owner)}${ref.name ? ` [${ref.name}]` : ''}`
    : `netns ${ref.inode}${ref.name ? ` (${ref.name})` : ''}`;
  // What changes how to read the screen comes first, so an 80-column cut never hides it.
  const l1: Line = [
    span('tcpscope ', 'info', true),
    span(modeText(info), info.mode === 'procfs' ? 'warn' : info.mode === 'replay' ? 'info' : 'good', true),
    span(` ${fmtInterval(info.intervalMs)}`),
  ];
  if (ui.replay?.paused) l1.push(sep, span('‖ PAUSED', 'warn', true));
  else if (ui.paused) l1.push(sep, span(`‖ PAUSED${ui.pending > 0 ? ` (${ui.pending} new)` : ''}`, 'warn', true));
  if (ui.recording !== undefined) l1.push(sep, span('● REC', 'crit', true), span(` ${ui.recording}`, 'dim'));
  const f = ui.flight;
  if (f?.open !== undefined) l1.push(sep, span('● INCIDENT', 'crit', true));
  else if (f)
    l1.push(sep, span(`ring ${ringDepth(f.depthMs)}${f.incidents > 0 ? ` · ${f.incidents} saved` : ''}`, 'info'));
  if (info.port !== undefined) l1.push(sep, span(`port ${info.port}`, 'warn', true));
  l1.push(sep, span(info.host, 'normal', true), sep, span(`kernel ${info.kernel}`), sep, span(ns));

  const l2: Line = [];
  const latest = h.latest;
  const lead: Line = [];
  // Opened from the overview: which netns (line 1 may be cut at 80 columns) and the way back.
  if (ui.back) lead.push(span(netnsName(ref), 'normal', true), span(' esc ◂ overview', 'info', true), sep);
  if (ui.message) lead.push(span(ui.message, 'warn', true), sep);
  if (ui.ended) lead.push(span(`ended: ${ui.ended}`, 'warn', true), sep);
  if (info.mode !== 'ebpf') l2.push(...lead);
  if (info.mode === 'procfs') {
    l2.push(span(`procfs-only: ${info.modeReason ?? 'eBPF unavailable'}`, 'warn'), span(` — ${PROCFS_FIX}`, 'dim'));
  } else if (info.mode === 'replay') {
    l2.push(span(latest ? `at ${clock(latest.time)} (#${latest.seq})` : 'loading…', 'info', true));
    const r = ui.replay;
    if (r)
      l2.push(
        sep,
        span(offset(r.elapsedMs)),
        sep,
        span(r.seeking ? 'skipping…' : fmtSpeed(r.speed), r.seeking ? 'warn' : 'normal', r.seeking),
      );
  } else {
    const lost = h.lostTotal;
    const sup = h.suppressedTotal;
    const counters: Line = [];
    if (!narrow) counters.push(span(`bpftrace ${info.bpftraceVersion ?? '?'}`, 'dim'), sep);
    counters.push(
      span(`lost ${lost}`, lost > 0 ? 'crit' : 'dim', lost > 0),
      sep,
      span(`suppressed ${sup}`, sup > 0 ? 'warn' : 'dim'),
    );
    // What the tracer did not show outranks a long message or end reason: those are shortened first (issue 13 item 18).
    // One cell stays for the '…' that marks the cut of what follows them.
    l2.push(...shortenLead(lead, width - lineLength(counters) - 1, sep), ...counters);
  }
  if (h.gapsTotal > 0) l2.push(sep, span(`tracer gaps ${h.gapsTotal}`, 'warn', true));
  const note = latest?.notes[0];
  if (note) l2.push(sep, span(`degraded: ${note}`, 'warn'));
  if (latest && info.mode !== 'replay') l2.push(sep, span(`last ${clock(latest.time)}`, 'dim'));
  const keys = ui.replay
    ? narrow
      ? '? help  p  .  +/-'
      : 'q quit  p pause  . step  +/- speed  ] +1 min  ? help'
    : narrow
      ? '? help  q quit'
      : 'q quit  p pause  / port  n netns  r rec  ? help';
  l2.push(sep, span(keys, 'dim'));
  return [fitLine(l1, width), fitLine(l2, width)];
}
