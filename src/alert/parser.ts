// Recursive-descent parser for alert expressions (grammar in docs/alerts.md): operators and clauses here, function
// calls in call-parser.ts, selectors in selector-parser.ts; every error names its column.
import type { AlertSeverity, BoolExpr, CmpOp, NumExpr, ParsedCondition } from './ast.js';
import type { MetricScope } from './metrics.js';
import { CallParser, type Typed } from './call-parser.js';
import { isLatency } from './latency-metrics.js';
import { didYouMean } from './suggest.js';
import { ExprError, tokenize, type Token } from './tokenizer.js';

/** Nesting allowed in one expression (parentheses, not, unary minus): deep enough for any real rule. */
export const MAX_DEPTH = 64;

const CMP_OPS: readonly string[] = ['>', '>=', '<', '<=', '==', '!='];

const KEYWORDS: readonly string[] = ['and', 'or', 'not', 'for', 'clear', 'after', 'cooldown', 'severity', 'offset'];
const CLAUSES: readonly string[] = ['for', 'clear', 'cooldown', 'severity'];
const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];
const RATE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

class Parser extends CallParser {
  /** Inside the right-hand side of a comparison with a latency: `200ms` is the number 200 (ms). */
  private durationsAsMs = false;

  private depth = 0;
  /** Guards recursion: a pathological expression is a usage error at its column, not a stack overflow. */
  private nest<T>(col: number, f: () => T): T {
    if (++this.depth > MAX_DEPTH)
      throw new ExprError(col, `expression nested too deeply (more than ${MAX_DEPTH} levels)`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }
  parseRule(): ParsedCondition {
    if (this.tok.kind === 'eof')
      throw new ExprError(1, 'empty expression: write a condition, e.g. rate(TcpExtListenOverflows) > 0');
    const cond = this.orExpr();
    const condition = this.asBool(cond);
    const out: ParsedCondition = {
      condition,
      clear: undefined,
      forMs: undefined,
      clearAfterMs: undefined,
      cooldownMs: undefined,
      severity: undefined,
    };
    while (!this.atEnd()) {
      const t = this.tok;
      if (!(t.kind === 'ident' && CLAUSES.includes(t.text))) {
        const hint = t.kind === 'ident' ? didYouMean(t.text, [...CLAUSES, 'and', 'or']) : '';
        throw new ExprError(
          t.col,
          `unexpected ${this.describe(t)} after the condition${hint || ' (expected and, or, for, clear, cooldown, severity)'}`,
        );
      }
      this.next();
      const once = <K extends keyof ParsedCondition>(key: K, label: string, v: ParsedCondition[K]): void => {
        if (out[key] !== undefined) throw new ExprError(t.col, `"${label}" given twice`);
        out[key] = v;
      };
      if (t.text === 'for') once('forMs', 'for', this.duration('for'));
      else if (t.text === 'cooldown') once('cooldownMs', 'cooldown', this.duration('cooldown'));
      else if (t.text === 'severity') {
        const s = this.tok;
        const sev = SEVERITIES.find((x) => this.isWord(x, s));
        if (sev === undefined)
          throw new ExprError(
            s.col,
            `expected info, warning or critical after "severity"${s.kind === 'ident' ? didYouMean(s.text, SEVERITIES) : ''}`,
          );
        this.next();
        once('severity', 'severity', sev);
      } else if (this.isWord('after')) {
        this.next();
        once('clearAfterMs', 'clear after', this.duration('clear after'));
      } else {
        if (condition.kind !== 'cmp') {
          throw new ExprError(
            t.col,
            '"clear <threshold>" needs the condition to be one comparison, e.g. rate(X[1m]) > 5/s clear 1/s',
          );
        }
        this.durationsAsMs = isLatency(condition.left);
        const c = this.sum();
        this.durationsAsMs = false;
        if (c.t !== 'num') throw new ExprError(c.col, `expected a number after "clear"`);
        once('clear', 'clear', c.e);
      }
    }
    return out;
  }

  /** A standalone number expression (the `clear:` field of a rules file). */
  parseThreshold(): NumExpr {
    if (this.tok.kind === 'eof') throw new ExprError(1, 'empty threshold: write a number, e.g. 1/s');
    const x = this.sum();
    if (!this.atEnd()) throw new ExprError(this.tok.col, `unexpected ${this.describe(this.tok)} after the threshold`);
    if (x.t !== 'num') throw new ExprError(x.col, 'expected a number');
    return x.e;
  }

  private asBool(x: Typed): BoolExpr {
    if (x.t === 'bool') return x.e;
    const text = this.src.slice(x.col - 1, this.prev()?.end === undefined ? undefined : this.prev()!.end - 1).trim();
    throw new ExprError(x.col, `"${text}" is a number, not a condition: compare it, e.g. ${text} > 0`);
  }
  protected asNum(x: Typed, op: string): NumExpr {
    if (x.t === 'num') return x.e;
    throw new ExprError(x.col, `"${op}" needs numbers on both sides, not a condition`);
  }

  private orExpr(): Typed {
    let left = this.andExpr();
    while (this.isWord('or')) {
      const op = this.next();
      const l = this.boolOperand(left, op);
      const r = this.boolOperand(this.andExpr(), op);
      left = { t: 'bool', e: { kind: 'or', left: l, right: r }, col: left.col };
    }
    return left;
  }
  private andExpr(): Typed {
    let left = this.notExpr();
    while (this.isWord('and')) {
      const op = this.next();
      const l = this.boolOperand(left, op);
      const r = this.boolOperand(this.notExpr(), op);
      left = { t: 'bool', e: { kind: 'and', left: l, right: r }, col: left.col };
    }
    return left;
  }
  private boolOperand(x: Typed, op: Token): BoolExpr {
    if (x.t === 'bool') return x.e;
    throw new ExprError(x.col, `"${op.text}" joins conditions: compare this value first, e.g. ... > 0`);
  }
  private notExpr(): Typed {
    if (this.isWord('not')) {
      const op = this.next();
      const arg = this.nest(op.col, () => this.notExpr());
      return { t: 'bool', e: { kind: 'not', arg: this.boolOperand(arg, op) }, col: op.col };
    }
    return this.comparison();
  }
  private comparison(): Typed {
    const left = this.sum();
    if (this.tok.kind === 'op' && CMP_OPS.includes(this.tok.text)) {
      const op = this.next();
      const l = this.asNum(left, op.text);
      const outer = this.durationsAsMs;
      this.durationsAsMs = isLatency(l);
      const right = this.sum();
      this.durationsAsMs = outer;
      const r = this.asNum(right, op.text);
      if (this.tok.kind === 'op' && CMP_OPS.includes(this.tok.text)) {
        throw new ExprError(this.tok.col, `comparisons do not chain: join them with "and"`);
      }
      return { t: 'bool', e: { kind: 'cmp', op: op.text as CmpOp, left: l, right: r }, col: left.col };
    }
    if (this.isOp('=')) throw new ExprError(this.tok.col, 'use "==" to compare');
    return left;
  }
  protected sum(): Typed {
    let left = this.product();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      const l = this.asNum(left, op.text);
      const r = this.asNum(this.product(), op.text);
      left = { t: 'num', e: { kind: 'arith', op: op.text as '+' | '-', left: l, right: r }, col: left.col };
    }
    return left;
  }
  private product(): Typed {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next();
      const l = this.asNum(left, op.text);
      const rightTok = this.tok;
      const r = this.asNum(this.unary(), op.text);
      if (op.text === '/' && constantValue(r) === 0)
        throw new ExprError(rightTok.col, 'division by zero: the divisor is always 0');
      left = { t: 'num', e: { kind: 'arith', op: op.text as '*' | '/', left: l, right: r }, col: left.col };
    }
    return left;
  }
  private unary(): Typed {
    if (this.isOp('-')) {
      const op = this.next();
      return {
        t: 'num',
        e: {
          kind: 'neg',
          arg: this.asNum(
            this.nest(op.col, () => this.unary()),
            '-',
          ),
        },
        col: op.col,
      };
    }
    return this.primary();
  }

  private primary(): Typed {
    const t = this.tok;
    if (t.kind === 'number') {
      this.next();
      // `10/s`: a rate literal (per second); `/m` and `/h` are converted to per second.
      if (this.isOp('/') && this.peek().kind === 'ident' && RATE_UNITS[this.peek().text] !== undefined) {
        this.next();
        const unit = this.next();
        const value = t.value / RATE_UNITS[unit.text]!;
        return { t: 'num', e: { kind: 'num', value, text: `${t.text}/${unit.text}` }, col: t.col };
      }
      return { t: 'num', e: { kind: 'num', value: t.value, text: t.text }, col: t.col };
    }
    if (t.kind === 'duration' && this.durationsAsMs) {
      this.next();
      return { t: 'num', e: { kind: 'num', value: t.value, text: t.text }, col: t.col };
    }
    if (t.kind === 'percent') {
      this.next();
      return { t: 'num', e: { kind: 'num', value: t.value, text: t.text }, col: t.col };
    }
    if (this.isOp('(')) {
      this.next();
      const inner = this.nest(t.col, () => this.orExpr());
      this.expectOp(')', 'to close "("');
      return inner;
    }
    if (t.kind === 'ident' && !KEYWORDS.includes(t.text)) {
      if (this.isOp('(', this.peek())) return this.call();
      return { t: 'num', e: { kind: 'metric', sel: this.selector() }, col: t.col };
    }
    const after = this.prev();
    const what = after !== undefined && (after.kind === 'op' || after.kind === 'ident') ? ` after "${after.text}"` : '';
    const expected =
      after !== undefined && ['and', 'or', 'not'].includes(after.text) && after.kind === 'ident'
        ? 'a condition'
        : 'a number';
    const got =
      t.kind === 'duration'
        ? `, got the duration "${t.text}" (a rate is written ${t.text.replace(/[a-z]+$/, '')}/s)`
        : '';
    if (t.kind === 'eof' || t.kind === 'op' || t.kind === 'duration')
      throw new ExprError(t.col, `expected ${expected}${what}${got}`);
    throw new ExprError(t.col, `unexpected ${this.describe(t)}${what}`);
  }
}

/** The value of an expression made of number literals only (`0`, `1-1`, `-0`), else undefined. */
function constantValue(e: NumExpr): number | undefined {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'neg': {
      const v = constantValue(e.arg);
      return v === undefined ? undefined : -v;
    }
    case 'arith': {
      const l = constantValue(e.left);
      const r = constantValue(e.right);
      if (l === undefined || r === undefined) return undefined;
      return e.op === '+' ? l + r : e.op === '-' ? l - r : e.op === '*' ? l * r : l / r;
    }
    default:
      return undefined;
  }
}

/** Parses an alert condition with its clauses; throws ExprError (col + detail). */
export function parseCondition(src: string, scope: MetricScope): ParsedCondition {
  const p = new Parser(tokenize(src), src, scope);
  return p.parseRule();
}

/** Parses a standalone threshold (hysteresis `clear` given separately); throws ExprError. */
export function parseThreshold(src: string, scope: MetricScope): NumExpr {
  return new Parser(tokenize(src), src, scope).parseThreshold();
}
