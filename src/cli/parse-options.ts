// Validates flag values (durations, ports, sizes) in TypeScript before anything reaches the kernel or bpftrace.
import { usageError } from '../errors.js';
import { DURATION_HELP, durationMs } from '../duration.js';

/** A flag value with nothing in it, or with spaces around it (`--port ' 80'`), is refused, never trimmed silently. */
export function assertPlainValue(text: string, flag: string): void {
  if (text === '') throw usageError(`invalid ${flag}: empty value`);
  if (text.trim() !== text) throw usageError(`invalid ${flag} "${text}": remove the spaces around the value`);
}

/** The one duration grammar (src/duration.ts: `500ms`, `30s`, `1m30s`, `1d`, bare seconds) -> milliseconds. */
export function parseDuration(text: string, flag = 'duration'): number {
  assertPlainValue(text, flag);
  const ms = durationMs(text);
  if (ms === undefined) throw usageError(`invalid ${flag} "${text}": use ${DURATION_HELP}`);
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
  assertPlainValue(text, '--port');
  if (!/^\d+$/.test(text)) throw usageError(`invalid --port "${text}": a number 1-65535`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw usageError(`invalid --port "${text}": a number 1-65535`);
  return n;
}

/** `100M`, `1G`, `512K`, `1000` (bytes). */
export function parseSize(text: string, flag = '--max-size'): number {
  assertPlainValue(text, flag);
  const m = /^(\d+(?:\.\d+)?)([KMG]i?B?|B)?$/i.exec(text);
  if (!m) throw usageError(`invalid ${flag} "${text}": use e.g. 100M, 1G, 512K`);
  const unit = (m[2] ?? 'B').toUpperCase()[0]!;
  const mult = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  const n = Math.floor(Number(m[1]) * mult);
  if (n <= 0) throw usageError(`invalid ${flag} "${text}": must be > 0`);
  return n;
}
