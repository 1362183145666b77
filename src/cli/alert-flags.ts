// The alert flags shared by watch, top and replay: rules from --alert/--alerts, actions from --exec/--webhook, all
// validated before any session (bpftrace) starts so a bad expression, a missing command or a bad URL costs nothing.
import { Option, type Command } from 'commander';
import { parseAlertFlag, type AlertRule } from '../alert/rule.js';
import { loadAlerts } from '../alert/rules-file.js';
import type { AlertEvent } from '../alert/event.js';
import { combineActions, type AlertAction } from '../alert/actions/action.js';
import { createNdjsonAction } from '../alert/actions/ndjson.js';
import { resolveExecutable } from '../alert/actions/command-path.js';
import { usageError } from '../errors.js';
import { parseDuration } from './parse-options.js';
import { EXEC_JSON_FLAG } from './exec-argv.js';

export interface AlertFlags {
  alert?: string[];
  alerts?: string[];
  /** Set by main from `--exec CMD ARGS…` (src/cli/exec-argv.ts): the words as a JSON array. */
  execJson?: string;
  execTimeout?: string;
  webhook?: string;
  exitOnAlert?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function addAlertOptions(cmd: Command): Command {
  return (
    cmd
      .option('--alert <expr>', 'alert rule, e.g. "rate(TcpExtListenOverflows) > 10/s for 5s" (repeatable)', collect)
      .option(
        '--alerts <builtin|file>',
        'load alert rules: "builtin" (Netdata-like TCP alarms) or a YAML/JSON file (repeatable)',
        collect,
      )
      // Shown in help only: main cuts `--exec CMD ARGS…` out of argv (so the command's own dashes stay its own).
      .addOption(
        new Option(
          '--exec <command> [args...]',
          "run this command (no shell) on each alert change: event JSON on stdin, TCPSCOPE_ALERT_* in env. Every word after --exec, up to a lone -- or the end, is the command's: put tcpscope options before it",
        ),
      )
      .addOption(new Option(`${EXEC_JSON_FLAG} <json>`).hideHelp())
      .option('--exec-timeout <duration>', 'kill an --exec command after this long', '10s')
      .option(
        '--webhook <url>',
        'POST each alert change as JSON to this URL (with retry; pending deliveries get 2s after the run ends)',
      )
      .option('--exit-on-alert', 'exit 1 as soon as an alert fires; 0 if the run ends quietly')
  );
}

export interface AlertSetup {
  rules: AlertRule[];
  /** Actions besides the command's own printing. */
  action: AlertAction | undefined;
  exitOnAlert: boolean;
}

export interface AlertSetupOptions {
  ndjsonOut?: NodeJS.WritableStream;
  /** Where --exec output goes (the dashboard's alerts log); default stderr. */
  execOutput?: (line: string) => void;
}

/** The --exec words main cut out of argv. */
export function execWords(flags: AlertFlags): string[] | undefined {
  if (flags.execJson === undefined) return undefined;
  return JSON.parse(flags.execJson) as string[];
}

/** Two rules with one name would be indistinguishable in events, env and the dashboard: refused. */
function assertUniqueNames(rules: readonly AlertRule[]): void {
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.name))
      throw usageError(`two alert rules are named "${r.name}": give each its own name ("NAME: EXPR")`);
    seen.add(r.name);
  }
}

export async function alertSetup(flags: AlertFlags, opts: AlertSetupOptions = {}): Promise<AlertSetup> {
  const rules: AlertRule[] = (flags.alert ?? []).map((a) => parseAlertFlag(a));
  for (const spec of flags.alerts ?? []) rules.push(...(await loadAlerts(spec)));
  assertUniqueNames(rules);
  const actions: AlertAction[] = [];
  if (opts.ndjsonOut) actions.push(createNdjsonAction(opts.ndjsonOut));
  const exec = execWords(flags);
  const timeoutMs = parseDuration(flags.execTimeout ?? '10s', '--exec-timeout');
  if (exec) {
    const [command, ...args] = exec as [string, ...string[]];
    resolveExecutable(command); // exit 2 now, not when the first alert fires
    const { createExecAction } = await import('../alert/actions/exec.js'); // execa, loaded only when needed
    actions.push(createExecAction({ command, args, timeoutMs, onOutput: opts.execOutput }));
  }
  if (flags.webhook) {
    const { createWebhookAction } = await import('../alert/actions/webhook.js');
    actions.push(createWebhookAction({ url: flags.webhook }));
  }
  if (rules.length === 0 && (actions.length > (opts.ndjsonOut ? 1 : 0) || flags.exitOnAlert)) {
    throw usageError('--exec, --webhook and --exit-on-alert need at least one --alert or --alerts');
  }
  return {
    rules,
    action: actions.length > 0 ? combineActions(actions) : undefined,
    exitOnAlert: flags.exitOnAlert === true,
  };
}

/** One human line per alert change. */
export function alertLine(e: AlertEvent): string {
  return `ALERT ${e.state.toUpperCase()} ${e.name}: ${e.message}`;
}
