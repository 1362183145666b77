// An alert rule compiled from text (flag, rules file, built-in list), with errors as one-line usage errors.
import { TcpscopeError, ExitCode } from '../errors.js';
import type { AlertSeverity, BoolExpr, NumExpr } from './ast.js';
import { METRIC_NAMES } from './metric-names.js';
import type { MetricScope } from './metrics.js';
import { parseCondition, parseThreshold } from './parser.js';
import { ExprError } from './tokenizer.js';
import { DURATION_HELP, durationMs } from '../duration.js';

/** A rule as written by a user (rules file entry, or a flag split into fields). */
export interface AlertRuleSpec {
  name?: string;
  expr: string;
  severity?: AlertSeverity;
  /** Duration text (`5s`) or seconds. */
  for?: string | number;
  cooldown?: string | number;
  /** Hysteresis threshold while firing (expression text or number). */
  clear?: string | number;
  clearAfter?: string | number;
}

export interface AlertRule {
  name: string;
  /** The expression text as written (reported in every AlertEvent). */
  expr: string;
  severity: AlertSeverity;
  condition: BoolExpr;
  clear: NumExpr | undefined;
  /** The condition must hold this long before firing (0 = first interval). */
  forMs: number;
  /** Minimum time between two firings of this rule (per netns). */
  cooldownMs: number;
  /** The (hysteresis) condition must be false this long before resolving. */
  clearAfterMs: number;
}

export interface CompileOptions {
  /** Counter names accepted besides the static list (e.g. the keys of a live snapshot's counters). */
  extraMetrics?: Iterable<string>;
  /** Prefix for error messages, e.g. `alerts.yaml:3:9` or `--alert`; receives the expression column. */
  where?: (col: number) => string;
}

const STATIC_NAMES = new Set(METRIC_NAMES);

export function metricScope(extra?: Iterable<string>): MetricScope {
  if (extra === undefined) return { counterNames: STATIC_NAMES };
  const names = new Set(STATIC_NAMES);
  for (const n of extra) names.add(n);
  return { counterNames: names };
}

function durationField(
  v: string | number | undefined,
  field: string,
  fail: (msg: string) => never,
): number | undefined {
  if (v === undefined) return undefined;
  const ms = durationMs(String(v).trim());
  if (ms === undefined) return fail(`invalid ${field} "${v}": use ${DURATION_HELP}`);
  if (!(ms > 0)) return fail(`invalid ${field} "${v}": must be > 0`);
  return ms;
}

/** Compiles one rule; throws TcpscopeError(usage) whose message points at the column. */
export function compileRule(spec: AlertRuleSpec, opts: CompileOptions = {}): AlertRule {
  const where = opts.where ?? ((col: number) => `alert "${spec.name ?? spec.expr}": col ${col}`);
  const fail = (msg: string, col = 1, cause?: unknown): never => {
    throw new TcpscopeError(`${where(col)}: ${msg}`, { exitCode: ExitCode.usage, cause });
  };
  const scope = metricScope(opts.extraMetrics);
  try {
    const parsed = parseCondition(spec.expr, scope);
    let clear = parsed.clear;
    if (spec.clear !== undefined) {
      if (clear !== undefined) fail('"clear" given both in the expression and as a field');
      if (parsed.condition.kind !== 'cmp')
        fail('"clear" needs the condition to be one comparison, e.g. rate(X[1m]) > 5/s');
      try {
        clear = parseThreshold(String(spec.clear), scope);
      } catch (err) {
        if (err instanceof ExprError) fail(`in clear "${spec.clear}": ${err.message}`, 1, err);
        throw err;
      }
    }
    const both = <T>(a: T | undefined, b: T | undefined, field: string): T | undefined => {
      if (a !== undefined && b !== undefined) fail(`"${field}" given both in the expression and as a field`);
      return a ?? b;
    };
    return {
      name: spec.name ?? spec.expr.trim(),
      expr: spec.expr.trim(),
      severity: both(parsed.severity, spec.severity, 'severity') ?? 'warning',
      condition: parsed.condition,
      clear,
      forMs: both(parsed.forMs, durationField(spec.for, 'for', fail), 'for') ?? 0,
      cooldownMs: both(parsed.cooldownMs, durationField(spec.cooldown, 'cooldown', fail), 'cooldown') ?? 0,
      clearAfterMs: both(parsed.clearAfterMs, durationField(spec.clearAfter, 'clearAfter', fail), 'clearAfter') ?? 0,
    };
  } catch (err) {
    if (err instanceof ExprError) return fail(err.detail, err.col, err);
    throw err;
  }
}

const NAME_PREFIX = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*:(?!:)\s*/;

/**
 * One `--alert` value: `[NAME:] EXPR [for D] [clear X] [clear after D] [cooldown D] [severity S]`.
 * Errors read `--alert "EXPR": col N: ...` with N counted in EXPR.
 */
export function parseAlertFlag(text: string, opts: { extraMetrics?: Iterable<string> } = {}): AlertRule {
  const m = NAME_PREFIX.exec(text);
  const name = m?.[1];
  const expr = m ? text.slice(m[0].length) : text;
  return compileRule(name === undefined ? { expr } : { name, expr }, {
    ...opts,
    where: (col) => `--alert "${text}": col ${col + (m ? m[0].length : 0)}`,
  });
}
