// The one duration grammar of tcpscope (flags, alert expressions, alert files, replay positions): `500ms`, `10s`,
// `1.5m`, `2h`, `1d`, compounds from the largest unit down (`1m30s`, `1h30m`, `1d12h`), or a bare number of seconds.

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const ORDER = ['d', 'h', 'm', 's', 'ms'];
const PIECE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** The documented grammar, for error messages. */
export const DURATION_HELP = 'e.g. 500ms, 30s, 5m, 1m30s, 2h, 1d';

/**
 * Milliseconds of `text` (trimmed by the caller or not: surrounding spaces are refused), or undefined when it is not
 * a duration. `bareSeconds` allows `90` (= 90s).
 */
export function durationMs(text: string, opts: { bareSeconds?: boolean } = {}): number | undefined {
  if (opts.bareSeconds !== false && /^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  let at = 0;
  let total = 0;
  let last = -1;
  while (at < text.length) {
    PIECE.lastIndex = at;
    const m = PIECE.exec(text);
    if (!m) return undefined;
    const rank = ORDER.indexOf(m[2]!);
    if (rank <= last) return undefined; // 1s1m, 1m1m: not from the largest unit down
    last = rank;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = PIECE.lastIndex;
  }
  return at === 0 ? undefined : total;
}

/** The longest duration-looking prefix of `src` from `at` (digits, dots and unit letters), for tokenizers. */
export function durationPrefix(src: string, at: number): string {
  return /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+/.exec(src.slice(at))?.[0] ?? '';
}
