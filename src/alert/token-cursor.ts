// Walking the token list of an alert expression: look-ahead, expectations and durations, each error with its column.
import { ExprError, type Token } from './tokenizer.js';

export class TokenCursor {
  protected i = 0;
  constructor(
    protected readonly toks: Token[],
    protected readonly src: string,
  ) {}

  protected get tok(): Token {
    return this.toks[this.i]!;
  }
  protected atEnd(): boolean {
    return this.tok.kind === 'eof';
  }
  protected peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  protected prev(): Token | undefined {
    return this.i > 0 ? this.toks[this.i - 1] : undefined;
  }
  protected isOp(text: string, t = this.tok): boolean {
    return t.kind === 'op' && t.text === text;
  }
  protected isWord(text: string, t = this.tok): boolean {
    return t.kind === 'ident' && t.text === text;
  }
  protected next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  protected describe(t: Token): string {
    return t.kind === 'eof'
      ? 'end of expression'
      : `"${t.kind === 'string' ? this.src.slice(t.col - 1, t.end - 1) : t.text}"`;
  }
  protected expectOp(text: string, what: string): Token {
    if (!this.isOp(text))
      throw new ExprError(this.tok.col, `expected "${text}" ${what}, got ${this.describe(this.tok)}`);
    return this.next();
  }
  protected duration(after: string): number {
    const t = this.tok;
    if (t.kind !== 'duration') {
      const got = t.kind === 'number' ? ` (add a unit: ${t.text}s)` : '';
      throw new ExprError(t.col, `expected a duration like 10s or 1m after "${after}"${got}`);
    }
    if (t.value <= 0) throw new ExprError(t.col, `duration after "${after}" must be > 0`);
    this.next();
    return t.value;
  }
}
