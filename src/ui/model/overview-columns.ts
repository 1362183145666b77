// The overview's columns: what each shows of a netns section, how wide it is, and which survive a narrow terminal.
import type { Severity } from '../../model/finding.js';
import type { FullestListener, NetnsRates, NetnsSection } from '../../model/host-snapshot.js';
import { fmtNum } from './format.js';
import { span, type Span, type Tone } from './markup.js';
import { netnsName } from './netns-name.js';
import { connectP99Us } from './connect-p99.js';
import { fmtLatency, tone as latencyTone } from './latency.js';

export type ColumnId =
  | 'name'
  | 'estab'
  | 'synrecv'
  | 'tw'
  | 'cw'
  | 'in'
  | 'out'
  | 'ovf'
  | 'synq'
  | 'rstTx'
  | 'rstRx'
  | 'synack'
  | 'drop'
  | 'p99'
  | 'listener'
  | 'finding';

export interface Column {
  id: ColumnId;
  header: string;
  /** Width without the one-space separator in front of every column but the first. */
  width: number;
  /** Flexible columns may grow to this width when there is room. */
  maxWidth?: number;
  align: 'left' | 'right';
  /** Lower survives longer when the terminal is narrow. */
  priority: number;
  /** What the help screen says the header means. */
  meaning: string;
}

const num = (
  id: ColumnId,
  header: string,
  priority: number,
  meaning: string,
  width = Math.max(5, header.length),
): Column => ({ id, header, width, align: 'right', priority, meaning });

/** Left to right as drawn. */
export const COLUMNS: readonly Column[] = [
  {
    id: 'name',
    header: 'NETNS',
    width: 16,
    maxWidth: 30,
    align: 'left',
    priority: 0,
    meaning: 'owner, else ip netns name, else inode',
  },
  num('estab', 'ESTAB', 6, 'sockets ESTABLISHED'),
  num('synrecv', 'SYNRCV', 11, 'sockets SYN_RECV'),
  num('tw', 'TW', 9, 'sockets TIME_WAIT'),
  num('cw', 'CW', 8, 'sockets CLOSE_WAIT'),
  num('in', 'in/s', 7, 'connections accepted per second'),
  num('out', 'out/s', 10, 'connections opened per second'),
  num('ovf', 'ovfl/s', 2, 'accept-queue overflows per second'),
  num('synq', 'synq/s', 5, 'SYN-queue drops per second'),
  num('rstTx', 'rstTx/s', 12, 'RSTs sent per second'),
  num('rstRx', 'rstRx/s', 13, 'RSTs received per second'),
  num('synack', 'SArtx/s', 14, 'SYN-ACK retransmits per second'),
  num('drop', 'drop/s', 4, 'packets dropped per second (ListenDrops in procfs mode)'),
  num('p99', 'p99', 15, 'p99 connect time of its clients this interval (with --latency)', 6),
  {
    id: 'listener',
    header: 'FULLEST LISTENER',
    width: 16,
    maxWidth: 24,
    align: 'left',
    priority: 3,
    meaning: 'addr:port queue/capacity',
  },
  {
    id: 'finding',
    header: 'WORST FINDING',
    width: 15,
    maxWidth: 60,
    align: 'left',
    priority: 1,
    meaning: 'most severe finding',
  },
];

export interface FittedColumn extends Column {
  /** The width it is drawn at. */
  drawn: number;
}

/** The columns that fit `width` cells (separators included), in drawing order, flexible ones widened into the rest. */
export function fitColumns(width: number): FittedColumn[] {
  const byPriority = [...COLUMNS].sort((a, b) => a.priority - b.priority);
  const kept = new Set<ColumnId>();
  let used = -1; // the first column has no separator
  for (const c of byPriority) {
    if (used + 1 + c.width > width) continue;
    kept.add(c.id);
    used += 1 + c.width;
  }
  const fitted: FittedColumn[] = COLUMNS.filter((c) => kept.has(c.id)).map((c) => ({ ...c, drawn: c.width }));
  let left = width - used;
  // Room left over goes to the listener first (whole addresses), then the name, then the finding.
  for (const id of ['listener', 'name', 'finding'] as const) {
    const c = fitted.find((f) => f.id === id);
    if (!c || left <= 0) continue;
    const grow = Math.min(left, (c.maxWidth ?? c.width) - c.drawn);
    c.drawn += grow;
    left -= grow;
  }
  return fitted;
}

const SEV_TAG: Record<Severity, string> = { critical: 'CRIT', warning: 'WARN', info: 'INFO' };
const SEV_TONE: Record<Severity, Tone> = { critical: 'crit', warning: 'warn', info: 'info' };

/** `198.18.0.1:8080 129/128` in at most `width` cells: the address is cut (from the left), never the port. */
export function listenerText(l: FullestListener, width: number): string {
  const addr = l.addr.includes(':') ? `[${l.addr}]` : l.addr;
  const fill = `${l.queue}/${l.capacity}`;
  const full = `${addr}:${l.port} ${fill}`;
  if (full.length <= width) return full;
  const port = `:${l.port}`;
  const withFill = ` ${fill}`;
  const room = width - port.length - withFill.length - 1; // one cell for the '…'
  if (room >= 1) return `…${addr.slice(-room)}${port}${withFill}`;
  if (port.length + withFill.length <= width) return `${port}${withFill}`;
  return port.length <= width ? port : port.slice(0, width);
}

const listenerTone = (l: FullestListener): Tone =>
  l.capacity > 0 && l.queue > l.capacity ? 'crit' : l.capacity > 0 && l.queue >= l.capacity * 0.8 ? 'warn' : 'normal';

/** Rates that mean loss are red when non-zero; others plain; zero is dim. */
const RATE_OF: Partial<Record<ColumnId, [keyof NetnsRates, Tone]>> = {
  in: ['connIn', 'normal'],
  out: ['connOut', 'normal'],
  ovf: ['overflows', 'crit'],
  synq: ['synDrops', 'crit'],
  rstTx: ['rstSent', 'warn'],
  rstRx: ['rstRecv', 'warn'],
  synack: ['synackRetrans', 'warn'],
  drop: ['drops', 'crit'],
};
const STATE_OF: Partial<Record<ColumnId, string>> = {
  estab: 'ESTABLISHED',
  synrecv: 'SYN_RECV',
  tw: 'TIME_WAIT',
  cw: 'CLOSE_WAIT',
};

function findingSpan(sec: NetnsSection): Span {
  if (sec.status === 'gone') return span('gone', 'dim', true);
  if (sec.status === 'unreadable') return span(`unreadable: ${sec.notes.join('; ') || 'no access'}`, 'warn');
  if (sec.status === 'new') return span('new (first interval)', 'dim');
  const worst = sec.snapshot?.findings.find((f) => f.severity === sec.worst);
  if (!worst) return span('—', 'dim');
  return span(`${SEV_TAG[worst.severity]} ${worst.id}`, SEV_TONE[worst.severity], worst.severity !== 'info');
}

/** One cell's text and tone, not yet padded. */
export function cellOf(c: FittedColumn, sec: NetnsSection): Span {
  const data = sec.status === 'ok' || sec.status === 'new';
  switch (c.id) {
    case 'name':
      return span(netnsName(sec.netns), sec.status === 'gone' ? 'dim' : 'normal', sec.worst !== undefined);
    case 'listener': {
      const l = sec.fullestListener;
      return l && data ? span(listenerText(l, c.drawn), listenerTone(l)) : span('—', 'dim');
    }
    case 'finding':
      return findingSpan(sec);
    case 'p99': {
      const us = sec.snapshot ? connectP99Us(sec.snapshot) : undefined;
      return us === undefined ? span('—', 'dim') : span(fmtLatency(us), latencyTone(us));
    }
    default: {
      const state = STATE_OF[c.id];
      if (state !== undefined) {
        const v = sec.snapshot?.census.states[state];
        return v === undefined ? span('—', 'dim') : span(fmtNum(v), v === 0 ? 'dim' : 'normal');
      }
      const [key, tone] = RATE_OF[c.id]!;
      if (!sec.snapshot) return span('—', 'dim');
      const v = sec.rates[key];
      return span(fmtNum(v), v === 0 ? 'dim' : tone, v !== 0 && tone === 'crit');
    }
  }
}
