// Splits an alert expression into tokens with their 1-based columns, so every parse error can point at a column.
import { DURATION_HELP, durationMs, durationPrefix } from '../duration.js';

export type TokenKind = 'number' | 'duration' | 'percent' | 'ident' | 'string' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: the unescaped value). */
  text: string;
  /** Numeric value: number, percent (as a fraction), duration (ms). */
  value: number;
  /** 1-based column of the first character. */
  col: number;
  /** 1-based column just after the last character. */
  end: number;
}

/** An error at a column of the expression; the parser turns it into a TcpscopeError. */
export class ExprError extends Error {
  constructor(
    readonly col: number,
    readonly detail: string,
  ) {
    super(`col ${col}: ${detail}`);
    this.name = 'ExprError';
  }
}

const OPERATORS = ['>=', '<=', '==', '!=', '>', '<', '+', '-', '*', '/', '(', ')', '[', ']', '{', '}', ',', '='];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const col = i + 1;
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?/i.exec(src.slice(i))!;
      const num = Number(m[0]);
      i += m[0].length;
      if (src[i] === '%' && !/[A-Za-z0-9_]/.test(src[i + 1] ?? '')) {
        i++;
        out.push({ kind: 'percent', text: src.slice(col - 1, i), value: num / 100, col, end: i + 1 });
        continue;
      }
      // Durations follow the one grammar of src/duration.ts (10s, 1m30s, 1d).
      const dur = durationPrefix(src, col - 1);
      if (dur.length > m[0].length && !/[A-Za-z0-9_]/.test(src[col - 1 + dur.length] ?? '')) {
        const ms = durationMs(dur, { bareSeconds: false });
        if (ms === undefined)
          throw new ExprError(col, `bad duration "${dur}": write units from the largest down, ${DURATION_HELP}`);
        i = col - 1 + dur.length;
        out.push({ kind: 'duration', text: dur, value: ms, col, end: i + 1 });
        continue;
      }
      if (/[A-Za-z_]/.test(src[i] ?? '')) {
        const junk = /^[A-Za-z0-9_]+/.exec(src.slice(i))![0];
        throw new ExprError(col, `bad number "${m[0]}${junk}": durations are written ${DURATION_HELP}`);
      }
      out.push({ kind: 'number', text: m[0], value: num, col, end: i + 1 });
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      // Dotted paths (census.CLOSE_WAIT, sockstat.TCP.tw) are one identifier.
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/.exec(src.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'ident', text: m[0], value: NaN, col, end: i + 1 });
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== ch) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        text += src[j];
        j++;
      }
      if (j >= src.length) throw new ExprError(col, `unterminated string: add the closing ${ch}`);
      i = j + 1;
      out.push({ kind: 'string', text, value: NaN, col, end: i + 1 });
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    // A whole code point in the message (an emoji is two UTF-16 units: never print half of it).
    if (op === undefined)
      throw new ExprError(col, `unexpected character "${String.fromCodePoint(src.codePointAt(i)!)}"`);
    i += op.length;
    out.push({ kind: 'op', text: op, value: NaN, col, end: i + 1 });
  }
  out.push({ kind: 'eof', text: '', value: NaN, col: src.length + 1, end: src.length + 1 });
  return out;
}
