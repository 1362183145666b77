// Validates flag values (durations, ports, sizes) in TypeScript before anything reaches the kernel or bpftrace.
import { usageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `1s`, `1.5s`, `2m`, `1h`, or a bare number of seconds -> milliseconds. */
export function parseDuration(text: string, flag = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw usageError(`invalid ${flag} "${text}": use e.g. 500ms, 1s, 30s, 5m`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 's']!;
  if (!Number.isFinite(ms) || ms <= 0) throw usageError(`invalid ${flag} "${text}": must be > 0`);
  return Math.round(ms);
}

/** Interval between snapshots: 100 ms .. 1 h. */
export function parseInterval(text: string): number {
  const ms = parseDuration(text, '--interval');
  if (ms < 100) throw usageError(`invalid --interval "${text}": the smallest interval is 100ms`);
  if (ms > 3_600_000) throw usageError(`invalid --interval "${text}": the largest interval is 1h`);
  return ms;
}

export function parsePort(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw usageError(`invalid --port "${text}": a number 1-65535`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw usageError(`invalid --port "${text}": a number 1-65535`);
  return n;
}

/** `100M`, `1G`, `512K`, `1000` (bytes). */
export function parseSize(text: string, flag = '--max-size'): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]i?B?|B)?$/i.exec(text.trim());
  if (!m) throw usageError(`invalid ${flag} "${text}": use e.g. 100M, 1G, 512K`);
  const unit = (m[2] ?? 'B').toUpperCase()[0]!;
  const mult = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  const n = Math.floor(Number(m[1]) * mult);
  if (n <= 0) throw usageError(`invalid ${flag} "${text}": must be > 0`);
  return n;
}
