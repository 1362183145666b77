// Evaluates a parsed expression against the recent snapshots of one netns (newest last); pure and deterministic.
import type { Snapshot } from '../model/snapshot.js';
import type { BoolExpr, NumExpr, Selector } from './ast.js';

/** The snapshots a selector covers: round(window / interval) of them (at least 1), ending `offset` before the newest. */
export function windowOf(history: readonly Snapshot[], sel: Selector): Snapshot[] {
  const newest = history[history.length - 1];
  if (newest === undefined) return [];
  const interval = Math.max(1, newest.intervalMs);
  const skip = Math.round(sel.offsetMs / interval);
  const count = sel.windowMs === undefined ? 1 : Math.max(1, Math.round(sel.windowMs / interval));
  const end = history.length - skip;
  return end <= 0 ? [] : history.slice(Math.max(0, end - count), end);
}

/** How many snapshots the expression may look back (for bounding the history). */
export function lookback(e: NumExpr | BoolExpr, intervalMs: number): number {
  const interval = Math.max(1, intervalMs);
  switch (e.kind) {
    case 'metric':
    case 'window':
      return Math.round(e.sel.offsetMs / interval) + Math.max(1, Math.round((e.sel.windowMs ?? interval) / interval));
    case 'extreme':
      return Math.max(1, ...e.args.map((a) => lookback(a, intervalMs)));
    case 'neg':
    case 'not':
      return lookback(e.arg, intervalMs);
    case 'arith':
    case 'cmp':
    case 'and':
    case 'or':
      return Math.max(lookback(e.left, intervalMs), lookback(e.right, intervalMs));
    default:
      return 1;
  }
}

function aggregate(fn: 'rate' | 'delta' | 'avg' | 'max' | 'min', sel: Selector, snaps: Snapshot[]): number {
  if (snaps.length === 0) return NaN;
  const values = snaps.map((s) => sel.metric.read(s));
  switch (fn) {
    case 'delta':
      return values.reduce((t, v) => t + v, 0);
    case 'rate': {
      const seconds = snaps.reduce((t, s) => t + s.intervalMs, 0) / 1000;
      return seconds > 0 ? values.reduce((t, v) => t + v, 0) / seconds : NaN;
    }
    case 'avg':
      return values.reduce((t, v) => t + v, 0) / values.length;
    case 'max':
      return Math.max(...values);
    default:
      return Math.min(...values);
  }
}

export function evalNum(e: NumExpr, history: readonly Snapshot[]): number {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'metric':
      // A bare counter is summed over its window (one interval by default); a bare gauge has no window.
      return aggregate(e.sel.metric.kind === 'counter' ? 'delta' : 'avg', e.sel, windowOf(history, e.sel));
    case 'window':
      return aggregate(e.fn, e.sel, windowOf(history, e.sel));
    case 'extreme': {
      // NaN (an empty window at start) is skipped, so max(5/s, rate(X[1m] offset 10s)) is 5/s until history exists.
      const vals = e.args.map((a) => evalNum(a, history)).filter((v) => !Number.isNaN(v));
      if (vals.length === 0) return NaN;
      return e.fn === 'max' ? Math.max(...vals) : Math.min(...vals);
    }
    case 'neg':
      return -evalNum(e.arg, history);
    case 'arith': {
      const l = evalNum(e.left, history);
      const r = evalNum(e.right, history);
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      return r === 0 ? NaN : l / r;
    }
  }
}

export function compare(op: string, l: number, r: number): boolean {
  if (Number.isNaN(l) || Number.isNaN(r)) return false;
  switch (op) {
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '==':
      return l === r;
    default:
      return l !== r;
  }
}

export function evalBool(e: BoolExpr, history: readonly Snapshot[]): boolean {
  switch (e.kind) {
    case 'cmp':
      return compare(e.op, evalNum(e.left, history), evalNum(e.right, history));
    case 'finding': {
      const newest = history[history.length - 1];
      return newest !== undefined && newest.findings.some((f) => f.id === e.id);
    }
    case 'not':
      return !evalBool(e.arg, history);
    case 'and':
      return evalBool(e.left, history) && evalBool(e.right, history);
    case 'or':
      return evalBool(e.left, history) || evalBool(e.right, history);
  }
}
