// Function calls of an alert expression: rate/delta/avg/max/min of a metric window (max/min also of values),
// p50/p90/p99 of a latency histogram and finding(id); apart from the operator grammar (parser.ts), which parses the
// arguments.
import type { BoolExpr, NumExpr } from './ast.js';
import { QUANTILE_FNS, SelectorParser, WINDOW_FNS } from './selector-parser.js';
import { didYouMean } from './suggest.js';
import { ExprError, type Token } from './tokenizer.js';

/** A parsed sub-expression: a number or a condition, with the column it starts at. */
export type Typed = { t: 'num'; e: NumExpr; col: number } | { t: 'bool'; e: BoolExpr; col: number };

const FUNCTIONS: readonly string[] = [...WINDOW_FNS, ...QUANTILE_FNS, 'finding'];

export abstract class CallParser extends SelectorParser {
  /** One argument: a sum of the operator grammar. */
  protected abstract sum(): Typed;
  /** The number of `x`, or the error that `op` needs numbers. */
  protected abstract asNum(x: Typed, op: string): NumExpr;

  /** p50/p90/p99(histogram metric[window]), in ms. */
  private quantile(name: Token): Typed {
    const fn = name.text as (typeof QUANTILE_FNS)[number];
    const argStart = this.tok;
    const first = this.sum();
    this.expectOp(')', `to close ${fn}(`);
    if (first.t !== 'num' || first.e.kind !== 'metric' || first.e.sel.metric.kind !== 'histogram') {
      throw new ExprError(
        argStart.col,
        `${fn}() takes a latency histogram: connectLatency, connectionLifetime or rtt, e.g. ${fn}(connectLatency{dport="5432"}[1m])`,
      );
    }
    return { t: 'num', e: { kind: 'quantile', fn, sel: first.e.sel }, col: name.col };
  }

  protected call(): Typed {
    const name = this.next();
    if (!FUNCTIONS.includes(name.text)) {
      throw new ExprError(
        name.col,
        `unknown function "${name.text}"${didYouMean(name.text, FUNCTIONS)} (functions: ${FUNCTIONS.join(', ')})`,
      );
    }
    this.next(); // (
    if (name.text === 'finding') {
      const id = this.findingId();
      this.expectOp(')', 'to close finding(');
      return { t: 'bool', e: { kind: 'finding', id }, col: name.col };
    }
    if ((QUANTILE_FNS as readonly string[]).includes(name.text)) return this.quantile(name);
    const fn = name.text as (typeof WINDOW_FNS)[number];
    const argStart = this.tok;
    const first = this.sum();
    if ((fn === 'max' || fn === 'min') && this.isOp(',')) {
      const args = [this.asNum(first, `${fn}(`)];
      while (this.isOp(',')) {
        this.next();
        args.push(this.asNum(this.sum(), `${fn}(`));
      }
      this.expectOp(')', `to close ${fn}(`);
      return { t: 'num', e: { kind: 'extreme', fn, args }, col: name.col };
    }
    this.expectOp(')', `to close ${fn}(`);
    if (first.t !== 'num' || first.e.kind !== 'metric') {
      throw new ExprError(
        argStart.col,
        `${fn}() takes a metric, e.g. ${fn}(TcpExtListenOverflows[1m])${fn === 'max' || fn === 'min' ? `, or two or more values: ${fn}(5/s, ...)` : ''}`,
      );
    }
    const sel = first.e.sel;
    if (fn === 'max' && sel.metric.kind === 'histogram')
      return { t: 'num', e: { kind: 'quantile', fn: 'max', sel }, col: name.col };
    if (sel.metric.kind === 'histogram') {
      throw new ExprError(
        sel.col,
        `${sel.metric.text} is a latency histogram: use p50(), p90(), p99() or max(), e.g. p99(${sel.metric.text}) > 200ms`,
      );
    }
    if ((fn === 'rate' || fn === 'delta') && sel.metric.kind !== 'counter') {
      throw new ExprError(
        sel.col,
        `${fn}() needs a counter; ${sel.metric.text} is a gauge (use avg(), max() or min())`,
      );
    }
    return { t: 'num', e: { kind: 'window', fn, sel }, col: name.col };
  }
}
