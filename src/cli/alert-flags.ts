// The alert flags shared by live commands: rules from --alert/--alerts, actions from --exec/--webhook, all validated
// before any session (bpftrace) starts so a bad expression costs nothing.
import type { Command } from 'commander';
import {
  combineActions,
  createExecAction,
  createNdjsonAction,
  createWebhookAction,
  loadAlerts,
  parseAlertFlag,
  type AlertAction,
  type AlertEvent,
  type AlertRule,
} from '../alert/index.js';
import { usageError } from '../errors.js';
import { parseDuration } from './parse-options.js';

export interface AlertFlags {
  alert?: string[];
  alerts?: string[];
  exec?: string[];
  execTimeout?: string;
  webhook?: string;
  exitOnAlert?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function addAlertOptions(cmd: Command): Command {
  return cmd
    .option('--alert <expr>', 'alert rule, e.g. "rate(TcpExtListenOverflows) > 10/s for 5s" (repeatable)', collect)
    .option(
      '--alerts <builtin|file>',
      'load alert rules: "builtin" (Netdata-like TCP alarms) or a YAML/JSON file (repeatable)',
      collect,
    )
    .option(
      '--exec <command...>',
      'run this command (no shell) on each alert change: event JSON on stdin, TCPSCOPE_ALERT_* in env',
    )
    .option('--exec-timeout <duration>', 'kill an --exec command after this long', '10s')
    .option('--webhook <url>', 'POST each alert change as JSON to this URL (with retry)')
    .option('--exit-on-alert', 'exit 1 as soon as an alert fires; 0 if the run ends quietly');
}

export interface AlertSetup {
  rules: AlertRule[];
  /** Actions besides the command's own printing. */
  action: AlertAction | undefined;
  exitOnAlert: boolean;
}

export async function alertSetup(
  flags: AlertFlags,
  opts: { ndjsonOut?: NodeJS.WritableStream } = {},
): Promise<AlertSetup> {
  const rules: AlertRule[] = (flags.alert ?? []).map((a) => parseAlertFlag(a));
  for (const spec of flags.alerts ?? []) rules.push(...(await loadAlerts(spec)));
  const actions: AlertAction[] = [];
  if (opts.ndjsonOut) actions.push(createNdjsonAction(opts.ndjsonOut));
  if (flags.exec && flags.exec.length > 0) {
    const [command, ...args] = flags.exec as [string, ...string[]];
    actions.push(
      createExecAction({ command, args, timeoutMs: parseDuration(flags.execTimeout ?? '10s', '--exec-timeout') }),
    );
  }
  if (flags.webhook) actions.push(createWebhookAction({ url: flags.webhook }));
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
