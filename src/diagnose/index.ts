// Public surface of the diagnosis layer: the engine, the rules, the computed timelines.
export type { Finding, Severity, SysctlRef } from '../model/finding.js';
export type { Rule, RuleContext, FindingDraft } from './rule.js';
export { createDiagnoser, type Diagnoser, type DiagnoserOptions } from './engine.js';
export { RULES } from './rules/index.js';
export { makeContext } from './context.js';
export * from './timelines.js';
export { computeTimelines, type Timelines } from './kernel-timelines.js';
export { sysctlNumber, sysctlCommand } from './values.js';
export { riskySettings, type RiskyWarning } from './risky.js';
