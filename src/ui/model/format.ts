// Numbers as an operator reads them at a glance: rates per second, compact counts, sparklines, clock times.

/** Count in an interval -> per second. */
export function perSecond(count: number, intervalMs: number): number {
  return intervalMs > 0 ? (count * 1000) / intervalMs : count;
}

/** 0, 0.5, 12, 340, 1.2k, 45k, 1.2M. */
export function fmtNum(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a === 0) return '0';
  if (a < 10) return Number.isInteger(n) ? String(n) : n.toFixed(1);
  if (a < 1000) return String(Math.round(n));
  if (a < 1e6) return `${(n / 1e3).toFixed(a < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(a < 1e7 ? 1 : 0)}M`;
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * The last `width` values as block characters scaled to the largest of them; zero is a blank so that
 * "nothing happening" looks empty and any non-zero value shows at least ▁.
 */
export function sparkline(values: readonly (number | undefined)[], width: number): string {
  if (width <= 0) return '';
  const tail = values.slice(-width);
  const max = tail.reduce<number>((m, v) => (v !== undefined && v > m ? v : m), 0);
  const chars = tail.map((v) => {
    if (v === undefined || v <= 0 || max <= 0) return ' ';
    const i = Math.min(BLOCKS.length - 1, Math.floor((v / max) * (BLOCKS.length - 1) + 0.5));
    return BLOCKS[Math.max(0, i)]!;
  });
  return chars.join('').padStart(width);
}

/** A fill bar `████░░░░` of `width` cells for value/capacity (capped at full). */
export function fillBar(value: number, capacity: number, width: number): string {
  if (width <= 0) return '';
  const ratio = capacity > 0 ? Math.min(1, value / capacity) : value > 0 ? 1 : 0;
  const full = Math.round(ratio * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** HH:MM:SS in local time. */
export function clock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A duration as +HH:MM:SS (a replay position from the start of the recording). */
export function offset(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const p = (n: number): string => String(n).padStart(2, '0');
  return `+${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

/** A replay speed: ×1, ×0.5, ×16, max. */
export function fmtSpeed(speed: number | 'max'): string {
  return speed === 'max' ? 'max' : `×${Number(speed.toFixed(2))}`;
}

/** 500ms, 1s, 2.5s, 1m. */
export function fmtInterval(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
