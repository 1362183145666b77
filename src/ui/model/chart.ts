// Series for the line chart of key rates: the last N points, x labels as seconds ago.
import type { History } from './history.js';
import { fmtNum } from './format.js';
import { hasEbpf, RATE_DEFS, rateLabel } from './rates.js';

export interface ChartSeries {
  title: string;
  x: string[];
  y: number[];
  color: string;
}

const COLORS = ['green', 'cyan', 'white', 'red', 'magenta', 'yellow', 'blue'] as const;

export function chartSeries(h: History, maxPoints: number): ChartSeries[] {
  const latest = h.latest;
  if (!latest || maxPoints < 2) return [];
  const ebpf = hasEbpf(latest);
  const points = h.window.slice(-maxPoints);
  const last = points[points.length - 1];
  if (!last) return [];
  // Labels from the nominal interval, one step per point: timestamps rounded to seconds gave "-5s -5s -4s … -0s"
  // when intervals were not exactly one second (issue 13 item 18). The newest point is "now".
  const stepS = (latest.intervalMs ?? 1000) / 1000;
  const n = points.length;
  const x = points.map((_, i) => (i === n - 1 ? 'now' : `-${Math.round((n - 1 - i) * stepS * 10) / 10}s`));
  const out: ChartSeries[] = [];
  RATE_DEFS.forEach((d, i) => {
    const label = rateLabel(d, ebpf, true);
    if (label === undefined) return;
    const y = points.map((p) => p.rates[d.key] ?? 0);
    out.push({ title: `${label} ${fmtNum(y[y.length - 1])}`, x, y, color: COLORS[i % COLORS.length]! });
  });
  return out;
}
