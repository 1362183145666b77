// `tcpscope alerts export`: the same alert rules `watch --alert/--alerts` evaluates, as a Prometheus rules file over
// the series `tcpscope serve` exports, so a fleet alerts from Prometheus with the rules tested on one host.
import type { Command } from 'commander';
import { loadAlerts, parseAlertFlag, type AlertRule } from '../../alert/index.js';
import { usageError } from '../../errors.js';
import { toPrometheusRules } from '../../export/rules/prometheus-rules.js';

interface ExportFlags {
  format: string;
  alert?: string[];
  alerts?: string[];
  group: string;
  prometheus: string;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alert rules outside tcpscope: export them as a Prometheus rules file')
    .addHelpText(
      'after',
      `
Examples:
  tcpscope alerts export --format prometheus > tcpscope-rules.yml
  tcpscope alerts export --format prometheus --alert 'close-wait: census.CLOSE_WAIT > 500 for 1m'`,
    );
  alerts
    .command('export')
    .description('print alert rules (built-in, a file, --alert) as a Prometheus rules file over tcpscope serve metrics')
    .requiredOption('-f, --format <format>', 'output format: prometheus')
    .option(
      '--alerts <builtin|file>',
      'rules to export: "builtin" or a YAML/JSON rules file (repeatable; default builtin)',
      collect,
    )
    .option('--alert <expr>', 'one more rule, "[NAME:] EXPR" as for watch --alert (repeatable)', collect)
    .option('--group <name>', 'Prometheus rule group name', 'tcpscope')
    .option('--prometheus <version>', 'oldest Prometheus that loads the file (keep_firing_for needs 2.42)', '2.42')
    .addHelpText(
      'after',
      `
Examples:
  tcpscope alerts export --format prometheus > tcpscope-rules.yml
  tcpscope alerts export --format prometheus --alerts builtin --alert 'close-wait: census.CLOSE_WAIT > 500 for 1m'
  tcpscope alerts export --format prometheus --alert 'overflow: rate(TcpExtListenOverflows[1m]) > 0 for 10s severity critical'
Mapping: rate(X[w]) -> rate(), delta(X[w]) -> increase(), for -> for:, clear after/cooldown -> keep_firing_for:,
clear -> hysteresis on ALERTS, finding(id) -> tcpscope_finding_active{id}; labels such as netns are kept.
A rule Prometheus cannot express (a bare per-interval counter, not finding(...)) is refused with the reason, exit 2.`,
    )
    .action(async (flags: ExportFlags) => {
      if (flags.format.toLowerCase() !== 'prometheus')
        throw usageError(`invalid --format "${flags.format}": prometheus is the only format`);
      const specs = flags.alerts ?? (flags.alert === undefined ? ['builtin'] : []);
      const rules: AlertRule[] = [];
      for (const spec of specs) rules.push(...(await loadAlerts(spec)));
      rules.push(...(flags.alert ?? []).map((a) => parseAlertFlag(a)));
      const source = [...specs, ...(flags.alert ?? []).map(() => '--alert')]
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(', ');
      process.stdout.write(
        toPrometheusRules(rules, { group: flags.group, prometheusVersion: flags.prometheus, source }),
      );
    });
}
