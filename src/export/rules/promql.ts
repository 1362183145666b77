// Translates a parsed tcpscope alert condition into PromQL over tcpscope's exported metrics, or says in one line why
// it cannot be (a per-interval count has no Prometheus equivalent; a missing series cannot mean "not active").
import type { BoolExpr, CmpOp, NumExpr, Selector } from '../../alert/ast.js';
import { promSource, Untranslatable } from './promql-metrics.js';
import { quantileToPromQL } from './promql-quantile.js';

/** A PromQL value: a scalar (folded to a number where possible) or an instant vector. */
type Q = { kind: 'scalar'; value: number; text: string } | { kind: 'vector'; text: string };

/** `90000` → `1m30s`, `500` → `500ms` (Prometheus duration syntax). */
export function promDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Untranslatable(`duration ${ms} ms is not a whole number of milliseconds`);
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

const scalar = (value: number): Q => ({
  kind: 'scalar',
  value,
  text: Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN',
});
const offset = (sel: Selector): string => (sel.offsetMs > 0 ? ` offset ${promDuration(sel.offsetMs)}` : '');

const NO_INTERVAL = 'tcpscope reads one interval, which Prometheus does not have';

function metricValue(sel: Selector): Q {
  const src = promSource(sel.metric);
  if (sel.metric.kind === 'counter') {
    const m = sel.metric.text;
    if (sel.windowMs === undefined)
      throw new Untranslatable(
        `${m} alone is the count of one tcpscope interval, which Prometheus does not have: write delta(${m}[1m]) or rate(${m}[1m])`,
      );
    return windowValue('delta', sel); // X[1m] is the sum over the window, as delta(X[1m])
  }
  return { kind: 'vector', text: src.build((s) => `${s}${offset(sel)}`) };
}

const OVER_TIME = { avg: 'avg_over_time', max: 'max_over_time', min: 'min_over_time' } as const;

function windowValue(fn: 'rate' | 'delta' | 'avg' | 'max' | 'min', sel: Selector): Q {
  const src = promSource(sel.metric);
  if (sel.metric.kind === 'counter') {
    if (fn !== 'rate' && fn !== 'delta') {
      throw new Untranslatable(
        `${fn}(${sel.metric.text}…) aggregates per-interval counts, which Prometheus does not have: use rate() or delta()`,
      );
    }
    if (sel.windowMs === undefined)
      throw new Untranslatable(
        `${fn}(${sel.metric.text}) has no window (${NO_INTERVAL}): write ${fn}(${sel.metric.text}[1m])`,
      );
    const range = promDuration(sel.windowMs);
    const f = fn === 'rate' ? 'rate' : 'increase';
    return { kind: 'vector', text: src.build((s) => `${f}(${s}[${range}]${offset(sel)})`) };
  }
  if (fn === 'rate' || fn === 'delta') throw new Untranslatable(`${fn}() needs a counter`); // the parser refuses it already
  if (sel.windowMs === undefined) return { kind: 'vector', text: src.build((s) => `${s}${offset(sel)}`) };
  const range = promDuration(sel.windowMs);
  if (src.single) return { kind: 'vector', text: src.build((s) => `${OVER_TIME[fn]}(${s}[${range}]${offset(sel)})`) };
  return { kind: 'vector', text: `${OVER_TIME[fn]}((${src.build((s) => s)})[${range}:]${offset(sel)})` };
}

/** max(a, b, …) / min(a, b, …): constants folded, one vector clamped, two vectors joined with a comparison. */
function extreme(fn: 'max' | 'min', args: Q[]): Q {
  const scalars = args.flatMap((a) => (a.kind === 'scalar' ? [a.value] : []));
  const vectors = args.flatMap((a) => (a.kind === 'vector' ? [a.text] : []));
  const bound = scalars.length === 0 ? undefined : fn === 'max' ? Math.max(...scalars) : Math.min(...scalars);
  if (vectors.length === 0) return scalar(bound!);
  const cmp = fn === 'max' ? '>=' : '<=';
  let v = vectors[0]!;
  for (const w of vectors.slice(1)) v = `((${v}) ${cmp} (${w}) or (${w}))`;
  if (bound === undefined) return { kind: 'vector', text: v };
  return { kind: 'vector', text: `${fn === 'max' ? 'clamp_min' : 'clamp_max'}(${v}, ${scalar(bound).text})` };
}

function arith(op: '+' | '-' | '*' | '/', l: Q, r: Q): Q {
  if (l.kind === 'scalar' && r.kind === 'scalar') {
    return scalar(
      op === '+'
        ? l.value + r.value
        : op === '-'
          ? l.value - r.value
          : op === '*'
            ? l.value * r.value
            : l.value / r.value,
    );
  }
  const wrap = (q: Q): string => (q.kind === 'scalar' ? q.text : `(${q.text})`);
  return { kind: 'vector', text: `${wrap(l)} ${op} ${wrap(r)}` };
}

export function numToPromQL(e: NumExpr): Q {
  switch (e.kind) {
    case 'num':
      return scalar(e.value);
    case 'metric':
      return metricValue(e.sel);
    case 'window':
      return windowValue(e.fn, e.sel);
    case 'extreme':
      return extreme(e.fn, e.args.map(numToPromQL));
    case 'quantile':
      return { kind: 'vector', text: quantileToPromQL(e.fn, e.sel, promDuration) };
    case 'neg': {
      const a = numToPromQL(e.arg);
      return a.kind === 'scalar' ? scalar(-a.value) : { kind: 'vector', text: `-(${a.text})` };
    }
    case 'arith':
      return arith(e.op, numToPromQL(e.left), numToPromQL(e.right));
  }
}

const FLIP: Record<CmpOp, CmpOp> = { '>': '<', '<': '>', '>=': '<=', '<=': '>=', '==': '==', '!=': '!=' };
const NEGATE: Record<CmpOp, CmpOp> = { '>': '<=', '<=': '>', '<': '>=', '>=': '<', '==': '!=', '!=': '==' };

/** `left op right` as a filter that keeps the series (and the value of the metric side) where it holds. */
export function comparison(op: CmpOp, left: NumExpr, right: NumExpr): string {
  const l = numToPromQL(left);
  const r = numToPromQL(right);
  if (l.kind === 'scalar' && r.kind === 'scalar')
    throw new Untranslatable('the condition compares two constants (no metric)');
  if (l.kind === 'scalar') return `${r.text} ${FLIP[op]} ${l.text}`;
  return `${l.text} ${op} ${r.kind === 'scalar' ? r.text : `(${r.text})`}`;
}

const findingActive = (id: string, value: 0 | 1): string =>
  `max without(id, severity) (tcpscope_finding_active{id=${JSON.stringify(id)}}) == ${value}`;

export function boolToPromQL(e: BoolExpr): string {
  switch (e.kind) {
    case 'cmp':
      return comparison(e.op, e.left, e.right);
    case 'finding':
      return findingActive(e.id, 1);
    case 'and':
    case 'or':
      return `(${boolToPromQL(e.left)}) ${e.kind} (${boolToPromQL(e.right)})`;
    case 'not':
      return negated(e.arg);
  }
}

/** `not` pushed down to the comparisons (De Morgan); a negated finding has no series to alert on. */
function negated(e: BoolExpr): string {
  switch (e.kind) {
    case 'cmp':
      return comparison(NEGATE[e.op], e.left, e.right);
    case 'not':
      return boolToPromQL(e.arg);
    case 'and':
      return `(${negated(e.left)}) or (${negated(e.right)})`;
    case 'or':
      return `(${negated(e.left)}) and (${negated(e.right)})`;
    case 'finding':
      throw new Untranslatable(
        `not finding(${e.id}): tcpscope_finding_active has no series before the finding first fires, so "not active" cannot be told from "never seen"`,
      );
  }
}

export { Untranslatable };
