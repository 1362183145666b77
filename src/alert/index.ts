// Public face of the alert subsystem, for the library API (src/index.ts) and the CLI wiring.
export type { AlertSeverity } from './ast.js';
export type { AlertEvent } from './event.js';
export type { AlertRule, AlertRuleSpec, CompileOptions } from './rule.js';
export { compileRule, parseAlertFlag, metricScope } from './rule.js';
export { builtinRules, loadAlerts, loadAlertsFile, parseAlertsText } from './rules-file.js';
export { BUILTIN_RULES } from './builtin.js';
export { createAlertEngine, type AlertEngine } from './engine.js';
export { alerts, untilFirstFiring, exitCodeForAlerts, ALERT_EXIT_CODE } from './operator.js';
export { METRIC_NAMES } from './metric-names.js';
export type { AlertAction } from './actions/action.js';
export { combineActions } from './actions/action.js';
export { createNdjsonAction } from './actions/ndjson.js';
export { createExecAction, type ExecAction, type ExecActionOptions, type ExecStats } from './actions/exec.js';
export {
  createWebhookAction,
  parseWebhookUrl,
  type WebhookAction,
  type WebhookActionOptions,
} from './actions/webhook.js';
export { alertEnv } from './actions/env.js';
