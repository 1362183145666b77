// Parses replay positions and speeds given on the command line (--from 00:01:30, --speed 10) into numbers.
import { usageError } from '../errors.js';
import { DURATION_HELP, durationMs } from '../duration.js';

/** `HH:MM:SS`, `MM:SS`, `90s`, `1m30s`-style durations or bare seconds -> ms from the start of the recording. */
export function parsePosition(text: string, flag: string): number {
  if (text === '' || text.trim() !== text)
    throw usageError(
      `invalid ${flag} "${text}": ${text === '' ? 'empty value' : 'remove the spaces around the value'}`,
    );
  const t = text;
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(t);
  if (clock) {
    const [, h, m, s] = clock;
    if (Number(m) >= 60 || Number(s) >= 60)
      throw usageError(`invalid ${flag} "${text}": minutes and seconds must be < 60`);
    return Math.round(((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000);
  }
  const ms = durationMs(t);
  if (ms !== undefined) return Math.round(ms);
  throw usageError(
    `invalid ${flag} "${text}": use HH:MM:SS, MM:SS or a duration (${DURATION_HELP}) from the start of the recording`,
  );
}

/** The slowest replay speed. */
export const MIN_SPEED = 0.01;

/** `1`, `10`, `0.5`, `max` (as fast as possible). */
export function parseSpeed(text: string): number | 'max' {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const n = Number(t.replace(/x$/, ''));
  if (!/^\d+(?:\.\d+)?x?$/.test(t) || !(n > 0) || n > 1_000_000)
    throw usageError(`invalid --speed "${text}": a factor like 1, 10, 0.5, or max`);
  // A factor so small that a one-second interval takes hours is a typo, not a replay (issue 13 item 14).
  if (n < MIN_SPEED)
    throw usageError(
      `invalid --speed "${text}": the slowest is ${MIN_SPEED} (one interval of 1 s per ${1 / MIN_SPEED} s)`,
    );
  return n;
}
