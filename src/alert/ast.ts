// The parsed form of an alert expression: numeric nodes, boolean nodes, and the rule clauses around them.
import type { MetricRef } from './metrics.js';

/** A metric read over a window of snapshots ending `offsetMs` before the newest. */
export interface Selector {
  metric: MetricRef;
  /** undefined = one interval (the newest snapshot). */
  windowMs: number | undefined;
  offsetMs: number;
  col: number;
}

export type NumExpr =
  | { kind: 'num'; value: number; text: string }
  | { kind: 'metric'; sel: Selector }
  | { kind: 'window'; fn: 'rate' | 'delta' | 'avg' | 'max' | 'min'; sel: Selector }
  /** A percentile or the max of a latency histogram metric over its window, in ms. */
  | { kind: 'quantile'; fn: 'p50' | 'p90' | 'p99' | 'max'; sel: Selector }
  | { kind: 'extreme'; fn: 'max' | 'min'; args: NumExpr[] }
  | { kind: 'neg'; arg: NumExpr }
  | { kind: 'arith'; op: '+' | '-' | '*' | '/'; left: NumExpr; right: NumExpr };

export type CmpOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

export type BoolExpr =
  | { kind: 'cmp'; op: CmpOp; left: NumExpr; right: NumExpr }
  | { kind: 'finding'; id: string }
  | { kind: 'not'; arg: BoolExpr }
  | { kind: 'and' | 'or'; left: BoolExpr; right: BoolExpr };

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** What the expression text says: the condition and its optional clauses. */
export interface ParsedCondition {
  condition: BoolExpr;
  /** Hysteresis: while firing, the top-level comparison uses this right-hand side instead. */
  clear: NumExpr | undefined;
  forMs: number | undefined;
  clearAfterMs: number | undefined;
  cooldownMs: number | undefined;
  severity: AlertSeverity | undefined;
}
