// The metric selectors of an alert expression (`name{label="v"}[1m] offset 5m`) and finding ids, parsed and resolved.
import type { Selector } from './ast.js';
import { resolveMetric, type MetricScope } from './metrics.js';
import { TokenCursor } from './token-cursor.js';
import { ExprError, type Token } from './tokenizer.js';
import { didYouMean } from './suggest.js';
import { RULES } from '../diagnose/rules/index.js';

/** Finding ids `finding(ID)` may name: the diagnosis rules. */
const FINDING_IDS: readonly string[] = RULES.map((r) => r.id);

export const WINDOW_FNS = ['rate', 'delta', 'avg', 'max', 'min'] as const;
export const QUANTILE_FNS = ['p50', 'p90', 'p99'] as const;

export class SelectorParser extends TokenCursor {
  constructor(
    toks: Token[],
    src: string,
    protected readonly scope: MetricScope,
  ) {
    super(toks, src);
  }

  /** Finding ids are kebab-case: adjacent `word-word` tokens with no spaces. */
  protected findingId(): string {
    const t = this.tok;
    if (t.kind !== 'ident')
      throw new ExprError(t.col, `expected a finding id like accept-queue-overflow after "finding("`);
    let id = this.next().text;
    let end = t.end;
    while (this.isOp('-') && this.tok.col === end && this.peek().kind === 'ident' && this.peek().col === this.tok.end) {
      this.next();
      const part = this.next();
      id += `-${part.text}`;
      end = part.end;
    }
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id))
      throw new ExprError(t.col, `finding id "${id}" must be kebab-case, e.g. accept-queue-overflow`);
    if (!FINDING_IDS.includes(id)) {
      throw new ExprError(
        t.col,
        `unknown finding "${id}"${didYouMean(id, FINDING_IDS) || ` (findings: ${FINDING_IDS.join(', ')})`}`,
      );
    }
    return id;
  }

  protected selector(): Selector {
    const name = this.next();
    const labels: Record<string, string> = {};
    const labelCols: Record<string, number> = {};
    if (this.isOp('{')) {
      this.next();
      while (!this.isOp('}')) {
        const k = this.tok;
        if (k.kind !== 'ident') throw new ExprError(k.col, `expected a label name in {...}, got ${this.describe(k)}`);
        this.next();
        this.expectOp('=', `after label "${k.text}"`);
        const v = this.tok;
        if (v.kind !== 'string' && v.kind !== 'number' && v.kind !== 'ident') {
          throw new ExprError(v.col, `expected a quoted value after ${k.text}=, e.g. ${k.text}="..."`);
        }
        this.next();
        if (labels[k.text] !== undefined) throw new ExprError(k.col, `label "${k.text}" given twice`);
        labels[k.text] = v.text;
        labelCols[k.text] = k.col;
        if (this.isOp(',')) this.next();
        else if (!this.isOp('}'))
          throw new ExprError(this.tok.col, `expected "," or "}" in labels, got ${this.describe(this.tok)}`);
      }
      this.next();
    }
    const metric = resolveMetric(name.text, labels, name.col, labelCols, this.scope);
    if (metric.kind === 'histogram' && !this.insideWindowFn()) {
      throw new ExprError(
        name.col,
        `${metric.text} is a latency histogram: use p50(), p90(), p99() or max(), e.g. p99(${metric.text}) > 200ms`,
      );
    }
    let windowMs: number | undefined;
    if (this.isOp('[')) {
      const open = this.next();
      windowMs = this.duration('[');
      this.expectOp(']', 'to close the window');
      if (metric.kind !== 'counter' && !this.insideWindowFn()) {
        throw new ExprError(
          open.col,
          `${metric.text} is a gauge: a window needs avg(), max() or min(), e.g. avg(${metric.text}[1m])`,
        );
      }
    }
    let offsetMs = 0;
    if (this.isWord('offset')) {
      this.next();
      offsetMs = this.duration('offset');
    }
    return { metric, windowMs, offsetMs, col: name.col };
  }

  /** True when the selector being parsed is the argument of rate/delta/avg/max/min. */
  protected insideWindowFn(): boolean {
    let depth = 0;
    for (let j = this.i - 1; j >= 0; j--) {
      const t = this.toks[j]!;
      if (t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')) depth++;
      else if (t.kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) {
        if (depth === 0) {
          const fn = this.toks[j - 1];
          return (
            t.text === '(' &&
            fn !== undefined &&
            fn.kind === 'ident' &&
            ([...WINDOW_FNS, ...QUANTILE_FNS] as readonly string[]).includes(fn.text)
          );
        }
        depth--;
      }
    }
    return false;
  }
}
