// Loads alert rules from a YAML or JSON file (or `builtin`), reporting errors as file:line:col.
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ExitCode, TcpscopeError, errnoOf, messageOf } from '../errors.js';
import type { AlertSeverity } from './ast.js';
import { BUILTIN_RULES } from './builtin.js';
import { compileRule, type AlertRule, type AlertRuleSpec, type CompileOptions } from './rule.js';
import { didYouMean } from './suggest.js';

/** A rules file is a few KiB; anything over this is not one (checked before reading). */
export const MAX_RULES_FILE_BYTES = 1024 * 1024;

const FIELDS = ['name', 'expr', 'severity', 'cooldown', 'for', 'clear', 'clearAfter'] as const;
const SEVERITIES: readonly string[] = ['info', 'warning', 'critical'];

export function builtinRules(opts: Pick<CompileOptions, 'extraMetrics'> = {}): AlertRule[] {
  return BUILTIN_RULES.map((spec) =>
    compileRule(spec, { ...opts, where: (col) => `built-in alert "${spec.name}": col ${col}` }),
  );
}

/** Parses the text of a rules file: a list of rules, or `{alerts: [...]}`. `file` is used in messages only. */
export function parseAlertsText(
  text: string,
  file: string,
  opts: Pick<CompileOptions, 'extraMetrics'> = {},
): AlertRule[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return file;
    const p = lc.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  const fail = (where: string, msg: string, cause?: unknown): never => {
    throw new TcpscopeError(`${where}: ${msg}`, { exitCode: ExitCode.usage, cause });
  };
  const firstErr = doc.errors[0];
  if (firstErr !== undefined)
    fail(at(firstErr.pos[0]), `not valid YAML/JSON: ${firstErr.message.split('\n')[0]}`, firstErr);

  let list: unknown = doc.contents;
  if (isMap(list)) {
    const inner = list.get('alerts', true);
    if (inner === undefined) fail(at(list.range?.[0]), 'expected a list of rules, or a map with an "alerts:" list');
    list = inner;
  }
  if (!isSeq(list))
    fail(
      at((list as Node | null)?.range?.[0]),
      'expected a list of rules ({name, expr, severity?, for?, cooldown?, clear?})',
    );
  const seq = list as import('yaml').YAMLSeq;
  const names = new Set<string>();
  return seq.items.map((item, idx) => {
    const node = item as Node;
    if (!isMap(item)) return fail(at(node?.range?.[0]), `rule ${idx + 1}: expected a map with at least "expr"`);
    const spec: Partial<Record<(typeof FIELDS)[number], string | number>> = {};
    let exprNode: Node | undefined;
    for (const pair of item.items) {
      const keyNode = pair.key as Node;
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const field = FIELDS.find((f) => f === key);
      if (field === undefined)
        fail(
          at(keyNode?.range?.[0]),
          `unknown field "${key}"${didYouMean(key, FIELDS)} (fields: ${FIELDS.join(', ')})`,
        );
      const v = pair.value;
      if (!isScalar(v) || (typeof v.value !== 'string' && typeof v.value !== 'number')) {
        return fail(at((v as Node | null)?.range?.[0] ?? keyNode?.range?.[0]), `"${key}" must be a string or a number`);
      }
      spec[field!] = v.value;
      if (field === 'expr') exprNode = v;
    }
    const itemAt = at(item.range?.[0]);
    if (spec.expr === undefined || String(spec.expr).trim() === '')
      return fail(itemAt, `rule ${idx + 1}: missing "expr"`);
    if (spec.severity !== undefined && !SEVERITIES.includes(String(spec.severity))) {
      fail(
        itemAt,
        `rule ${idx + 1}: severity "${spec.severity}" must be info, warning or critical${didYouMean(String(spec.severity), SEVERITIES)}`,
      );
    }
    const name = spec.name === undefined ? undefined : String(spec.name);
    if (name !== undefined) {
      if (names.has(name)) fail(itemAt, `rule ${idx + 1}: duplicate name "${name}"`);
      names.add(name);
    }
    const ruleSpec: AlertRuleSpec = { expr: String(spec.expr) };
    if (name !== undefined) ruleSpec.name = name;
    if (spec.severity !== undefined) ruleSpec.severity = String(spec.severity) as AlertSeverity;
    if (spec.for !== undefined) ruleSpec.for = spec.for;
    if (spec.cooldown !== undefined) ruleSpec.cooldown = spec.cooldown;
    if (spec.clear !== undefined) ruleSpec.clear = spec.clear;
    if (spec.clearAfter !== undefined) ruleSpec.clearAfter = spec.clearAfter;
    // Columns map exactly into the file for single-line plain or quoted scalars; otherwise name the line.
    const exprStart = exprNode?.range?.[0];
    const src = exprStart === undefined ? '' : text.slice(exprStart, exprNode?.range?.[1]);
    const quoted = isScalar(exprNode) && (exprNode.type === 'QUOTE_DOUBLE' || exprNode.type === 'QUOTE_SINGLE');
    const exact =
      exprStart !== undefined && !src.includes('\n') && (quoted || (isScalar(exprNode) && exprNode.type === 'PLAIN'));
    return compileRule(ruleSpec, {
      ...opts,
      where: (col) => {
        if (exact) return at(exprStart + (quoted ? 1 : 0) + col - 1);
        return `${at(exprStart)}: rule "${name ?? idx + 1}" col ${col}`;
      },
    });
  });
}

export async function loadAlertsFile(
  path: string,
  opts: Pick<CompileOptions, 'extraMetrics'> = {},
): Promise<AlertRule[]> {
  let text: string;
  // What the path is, before reading it: a directory, a device (/dev/zero) or a huge file is a wrong flag value (2).
  let st: Stats | undefined;
  try {
    st = await stat(path);
  } catch {
    st = undefined; // readFile below names the cause
  }
  if (st?.isDirectory())
    throw new TcpscopeError(`cannot read alerts file ${path}: it is a directory, not a rules file`, {
      exitCode: ExitCode.usage,
    });
  if (st && !st.isFile())
    throw new TcpscopeError(`cannot read alerts file ${path}: not a regular file`, { exitCode: ExitCode.usage });
  if (st && st.size > MAX_RULES_FILE_BYTES) {
    throw new TcpscopeError(
      `cannot read alerts file ${path}: ${st.size} bytes, more than a rules file can be (${MAX_RULES_FILE_BYTES / 1024 / 1024} MiB)`,
      { exitCode: ExitCode.usage },
    );
  }
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoOf(err);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : messageOf(err);
    throw new TcpscopeError(`cannot read alerts file ${path}: ${why}`, {
      exitCode: code === 'ENOENT' ? ExitCode.usage : ExitCode.io,
      cause: err,
    });
  }
  return parseAlertsText(text, path, opts);
}

/** `--alerts builtin` or `--alerts FILE`. */
export async function loadAlerts(spec: string, opts: Pick<CompileOptions, 'extraMetrics'> = {}): Promise<AlertRule[]> {
  return spec === 'builtin' ? builtinRules(opts) : loadAlertsFile(spec, opts);
}
