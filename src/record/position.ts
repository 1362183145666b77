// Parses replay positions and speeds given on the command line (--from 00:01:30, --speed 10) into numbers.
import { usageError } from '../errors.js';

/** `HH:MM:SS`, `MM:SS`, `90s`, `1m30s`-style durations or bare seconds -> ms from the start of the recording. */
export function parsePosition(text: string, flag: string): number {
  const t = text.trim();
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(t);
  if (clock) {
    const [, h, m, s] = clock;
    if (Number(m) >= 60 || Number(s) >= 60)
      throw usageError(`invalid ${flag} "${text}": minutes and seconds must be < 60`);
    return Math.round(((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000);
  }
  const dur = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(t);
  if (dur && t !== '' && (dur[1] ?? dur[2] ?? dur[3]) !== undefined) {
    return Math.round(((Number(dur[1] ?? 0) * 60 + Number(dur[2] ?? 0)) * 60 + Number(dur[3] ?? 0)) * 1000);
  }
  if (/^\d+(?:\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  throw usageError(
    `invalid ${flag} "${text}": use HH:MM:SS, MM:SS or e.g. 90s, 1m30s (from the start of the recording)`,
  );
}

/** `1`, `10`, `0.5`, `max` (as fast as possible). */
export function parseSpeed(text: string): number | 'max' {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const n = Number(t.replace(/x$/, ''));
  if (!/^\d+(?:\.\d+)?x?$/.test(t) || !(n > 0) || n > 1_000_000)
    throw usageError(`invalid --speed "${text}": a factor like 1, 10, 0.5, or max`);
  return n;
}
