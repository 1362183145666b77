// "Rates /s" panel: each key rate with its current value and a sparkline over the history window.
import type { History } from './history.js';
import { fmtNum, sparkline } from './format.js';
import { pad, span, type Line, type Tone } from './markup.js';
import { hasEbpf, RATE_DEFS, rateLabel, type RateKey } from './rates.js';

export interface PanelSize {
  width: number;
  height: number;
}

const ALARMING: ReadonlySet<RateKey> = new Set(['resetsSent', 'resetsReceived', 'synackRetrans', 'synRetrans']);

export function ratesLines(h: History, size: PanelSize): Line[] {
  const latest = h.latest;
  if (!latest) return [[span('waiting for the first snapshot…', 'dim')]];
  const ebpf = hasEbpf(latest);
  const short = size.width < 50;
  const labels = RATE_DEFS.map((d) => rateLabel(d, ebpf, short)?.length ?? 0);
  const labelW = Math.min(short ? 10 : 26, Math.max(...labels));
  const valueW = 8;
  const sparkW = Math.max(0, size.width - labelW - valueW - 2);
  const now = h.window[h.window.length - 1];
  const lines: Line[] = [];
  for (const d of RATE_DEFS) {
    const label = rateLabel(d, ebpf, short);
    if (label === undefined) continue;
    const v = now?.rates[d.key];
    const tone: Tone = v !== undefined && v > 0 && ALARMING.has(d.key) ? 'warn' : 'normal';
    lines.push([
      span(pad(label, labelW)),
      span(' '),
      span(pad(`${fmtNum(v)}/s`, valueW, 'right'), tone, tone !== 'normal'),
      span(' '),
      span(
        sparkline(
          h.series((p) => p.rates[d.key]),
          sparkW,
        ),
        'info',
      ),
    ]);
  }
  if (!ebpf && lines.length < size.height) lines.push([span('procfs mode: counter deltas, no per-event data', 'dim')]);
  if (ebpf && size.height - lines.length >= 3) {
    const ev = latest.events;
    const n = Math.min(4, Math.floor((size.height - lines.length - 2) / 2));
    for (const part of [
      breakdownLines('resets sent by reason', ev.resetsSentByReason, latest.intervalMs, n, size.width),
      breakdownLines('resets received by state:port', ev.resetsReceivedByStatePort, latest.intervalMs, n, size.width),
    ]) {
      if (part.length > 0 && lines.length + part.length <= size.height) lines.push(...part);
    }
  }
  return lines.slice(0, Math.max(1, size.height));
}

/** Busiest keys of a per-reason map as `NAME n/s` lines (resets by reason, by state:port). */
export function breakdownLines(
  title: string,
  counts: Record<string, number>,
  intervalMs: number,
  n: number,
  width: number,
): Line[] {
  const rows = Object.entries(counts)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
  if (rows.length === 0) return [];
  return [
    [span(title, 'dim')],
    ...rows.map(([k, v]): Line => [
      span(pad(k, Math.max(8, width - 10))),
      span(pad(`${fmtNum((v * 1000) / intervalMs)}/s`, 10, 'right'), 'warn'),
    ]),
  ];
}
