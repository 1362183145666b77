// Panel text as styled spans, so view models stay blessed-free and NO_COLOR is decided in exactly one place.

/** What a piece of text means; the colour (or its absence) is chosen when rendering. */
export type Tone = 'normal' | 'dim' | 'good' | 'info' | 'warn' | 'crit';

export interface Span {
  text: string;
  tone?: Tone;
  bold?: boolean;
}
export type Line = Span[];

export const span = (text: string, tone: Tone = 'normal', bold = false): Span => ({ text, tone, bold });

const TONE_COLOR: Record<Tone, string | undefined> = {
  normal: undefined,
  dim: 'gray',
  good: 'green',
  info: 'cyan',
  warn: 'yellow',
  crit: 'red',
};

/** Escapes blessed tag braces in user/kernel supplied text. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** Visible length of a line (every glyph we emit is one cell wide). */
export function lineLength(line: Line): number {
  return line.reduce((n, s) => n + s.text.length, 0);
}

/** Cuts a line to `width` cells, marking the cut with '…'. */
export function fitLine(line: Line, width: number): Line {
  if (width <= 0) return [];
  if (lineLength(line) <= width) return line;
  const out: Line = [];
  let left = width - 1;
  for (const s of line) {
    if (left <= 0) break;
    const text = s.text.slice(0, left);
    out.push({ ...s, text });
    left -= text.length;
  }
  out.push({ text: '…', tone: 'dim' });
  return out;
}

/** Pads (or cuts) plain text to exactly `width` cells. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/**
 * blessed markup for a line. Without colour (NO_COLOR), warn/crit become bold and every other tone is plain:
 * no colour attribute is ever produced.
 */
export function toTagged(line: Line, color: boolean): string {
  return line
    .map((s) => {
      let t = escapeTags(s.text);
      const c = color ? TONE_COLOR[s.tone ?? 'normal'] : undefined;
      const bold = s.bold === true || (!color && (s.tone === 'warn' || s.tone === 'crit'));
      if (c) t = `{${c}-fg}${t}{/${c}-fg}`;
      if (bold) t = `{bold}${t}{/bold}`;
      return t;
    })
    .join('');
}

export function toPlain(line: Line): string {
  return line.map((s) => s.text).join('');
}

export const linesToTagged = (lines: Line[], color: boolean): string => lines.map((l) => toTagged(l, color)).join('\n');
export const linesToPlain = (lines: Line[]): string => lines.map(toPlain).join('\n');
