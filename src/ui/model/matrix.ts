// "Transitions /s" panel: the old→new state matrix of the latest interval, coloured by order of magnitude.
import type { Snapshot } from '../../model/snapshot.js';
import { TCP_STATES } from '../../kernel/tcp-states.js';
import { fmtNum, perSecond } from './format.js';
import { pad, span, type Line, type Tone } from './markup.js';
import { hasEbpf } from './rates.js';
import type { PanelSize } from './rates-view.js';

export const STATE_ABBREV: Record<string, string> = {
  ESTABLISHED: 'ESTAB',
  SYN_SENT: 'SYN_S',
  SYN_RECV: 'SYN_R',
  FIN_WAIT1: 'FIN_W1',
  FIN_WAIT2: 'FIN_W2',
  TIME_WAIT: 'TIME_W',
  CLOSE: 'CLOSE',
  CLOSE_WAIT: 'CLS_WT',
  LAST_ACK: 'LAST_A',
  LISTEN: 'LISTEN',
  CLOSING: 'CLSING',
  NEW_SYN_RECV: 'NSYN_R',
  BOUND_INACTIVE: 'BOUND',
};

/** Tone by order of magnitude of a per-second rate. */
export function magnitudeTone(rate: number): Tone {
  if (rate <= 0) return 'dim';
  if (rate < 10) return 'good';
  if (rate < 100) return 'info';
  if (rate < 1000) return 'warn';
  return 'crit';
}

const order = (s: string): number => {
  const i = (TCP_STATES as readonly string[]).indexOf(s);
  return i === -1 ? 99 : i;
};

export interface MatrixData {
  states: string[];
  rate: (from: string, to: string) => number;
  total: number;
}

/** The states involved in any transition, in kernel order, and the per-second rate of each pair. */
export function transitionMatrix(s: Snapshot): MatrixData {
  const pairs = new Map<string, number>();
  const weight = new Map<string, number>();
  let total = 0;
  for (const [key, count] of Object.entries(s.transitions)) {
    const [from, to] = key.split('->');
    if (!from || !to || count <= 0) continue;
    pairs.set(key, perSecond(count, s.intervalMs));
    weight.set(from, (weight.get(from) ?? 0) + count);
    weight.set(to, (weight.get(to) ?? 0) + count);
    total += perSecond(count, s.intervalMs);
  }
  const states = [...weight.keys()].sort((a, b) => order(a) - order(b));
  return { states, rate: (from, to) => pairs.get(`${from}->${to}`) ?? 0, total };
}

export function matrixLines(latest: Snapshot | undefined, size: PanelSize): Line[] {
  if (!latest) return [[span('waiting for the first snapshot…', 'dim')]];
  if (!hasEbpf(latest)) return [[span('state transitions need eBPF (procfs-only mode)', 'dim')]];
  const m = transitionMatrix(latest);
  if (m.states.length === 0) return [[span('no state transitions in the last interval', 'dim')]];
  const labelW = 8;
  const cellW = 7;
  const maxStates = Math.max(1, Math.min(Math.floor((size.width - labelW) / cellW), size.height - 1));
  // Keep the busiest states when they do not all fit, still in kernel order.
  let states = m.states;
  if (states.length > maxStates) {
    const busy = (st: string): number => states.reduce((n, o) => n + m.rate(st, o) + m.rate(o, st), 0);
    const keep = new Set([...states].sort((a, b) => busy(b) - busy(a)).slice(0, maxStates));
    states = states.filter((st) => keep.has(st));
  }
  const abbrev = (st: string): string => STATE_ABBREV[st] ?? st.slice(0, cellW - 1);
  const lines: Line[] = [
    [span(pad('from\\to', labelW), 'dim'), ...states.map((st) => span(pad(abbrev(st), cellW, 'right'), 'dim'))],
  ];
  for (const from of states) {
    const row: Line = [span(pad(abbrev(from), labelW), 'dim')];
    for (const to of states) {
      const r = m.rate(from, to);
      row.push(span(pad(r > 0 ? fmtNum(r) : '·', cellW, 'right'), magnitudeTone(r)));
    }
    lines.push(row);
  }
  return lines;
}
