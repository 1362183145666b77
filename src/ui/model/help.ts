// The `?` help text: keys, and how to read the panels.
import { span, type Line } from './markup.js';
import { COLUMNS } from './overview-columns.js';

const KEYS: readonly [string, string][] = [
  ['q, Ctrl-C', 'quit (bpftrace is stopped first); a second Ctrl-C forces exit'],
  ['p', 'pause / resume the display (data keeps being collected)'],
  ['tab, shift-tab', 'move focus between panels'],
  ['↑ ↓ (j k)', 'select a finding'],
  ['enter', 'open the selected finding (or zoom the focused panel)'],
  ['/', 'filter by port (restarts the session; empty = all ports)'],
  ['n', 'pick the network namespace to watch'],
  ['r', 'start / stop recording'],
  ['R', 'flight recorder (--on-alert): save the ring now as an incident'],
  ['s', 'all sysctls with meanings'],
  ['t', 'state-transition matrix'],
  ['l', 'connect latency per port (percentiles, histogram), failed connects, lifetimes, RTT'],
  ['?', 'this help; esc closes popups'],
  ['esc', 'opened from the whole-host overview: back to it'],
];

const REPLAY_KEYS: readonly [string, string][] = [
  ['p, space', 'pause / resume the replay'],
  ['. or →', 'step: replay one more interval, then pause'],
  ['+ / -', 'replay twice as fast / half as fast'],
  [']', 'skip the next minute of the recording'],
];

export function helpLines(replay = false): Line[] {
  const lines: Line[] = [[span('Keys', 'info', true)]];
  const keys = replay ? [...KEYS.filter(([k]) => k !== 'p'), ...REPLAY_KEYS] : KEYS;
  for (const [k, what] of keys) lines.push([span(`  ${k.padEnd(16)}`, 'normal', true), span(what)]);
  lines.push(
    [],
    [span('Reading it', 'info', true)],
    [span('  Rates are per second. Sparklines cover the history window (newest on the right).')],
    [span('  Queues: a listener at capacity (FULL) drops SYNs and final ACKs: see its finding and the "!" sysctls.')],
    [span('  "!" marks a sysctl named by an active finding, "Δ" one that changed during the session.')],
    [span('  PROCFS-ONLY: no eBPF, rates come from counters; transitions and reasons need eBPF.')],
  );
  return lines;
}

const OVERVIEW_KEYS: readonly [string, string][] = [
  ['q, Ctrl-C', 'quit (bpftrace is stopped first); a second Ctrl-C forces exit'],
  ['↑ ↓ (j k)', 'select a namespace'],
  ['enter', "open the selected namespace's dashboard (same session); esc comes back"],
  ['/', 'filter the rows by name (substring)'],
  ['esc', 'clear the filter'],
  ['p', 'pause / resume the display'],
  ['r', 'start / stop recording (every namespace)'],
  ['R', 'flight recorder (--on-alert): save the ring now as an incident'],
  ['?', 'this help; esc closes popups'],
];

/** The overview's `?` text: its keys, then what each column means. */
export function overviewHelpLines(): Line[] {
  const lines: Line[] = [[span('Keys', 'info', true)]];
  for (const [k, what] of OVERVIEW_KEYS) lines.push([span(`  ${k.padEnd(16)}`, 'normal', true), span(what)]);
  lines.push([], [span('Columns (narrow terminals drop the later ones first)', 'info', true)]);
  for (const c of COLUMNS) lines.push([span(`  ${c.header.padEnd(18)}`, 'normal', true), span(c.meaning)]);
  lines.push(
    [],
    [span('Reading it', 'info', true)],
    [span('  Rows are sorted by trouble: worst finding, then overflow/drop rates, then RSTs and SYN-ACK retransmits.')],
    [span('  A namespace shows when it has TCP sockets or events; "gone" ones vanished since the last interval.')],
  );
  return lines;
}
