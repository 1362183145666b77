// risky-settings: sysctls in force that are known to hurt (tw_recycle, abort_on_overflow=1, syncookies=0...), static.
import type { Rule } from '../rule.js';
import type { Severity } from '../../model/finding.js';
import { riskySettings } from '../risky.js';
import { sysctlCommand } from '../values.js';

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export const riskySettingsRule: Rule = {
  id: 'risky-settings',
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const warnings = riskySettings(ctx.sysctl, s.counters);
    if (warnings.length === 0) return undefined;
    const severity = warnings.reduce<Severity>((m, w) => (RANK[w.severity] > RANK[m] ? w.severity : m), 'info');
    const evidence: Record<string, number | string> = { risky: warnings.length };
    for (const w of warnings) evidence[w.name] = w.value;
    return {
      id: 'risky-settings',
      severity,
      title: `${warnings.length} risky TCP setting${warnings.length > 1 ? 's' : ''}: ${warnings.map((w) => `${w.name.replace(/^net\.(ipv4|core)\./, '')}=${w.value}`).join(', ')}`,
      evidence,
      sysctls: warnings.map((w) => ctx.ref(w.name, w.warning)),
      explanation: warnings.map((w) => `${w.name}=${w.value}: ${w.warning}.`).join(' '),
      advice: warnings
        .filter((w) => w.suggest !== undefined)
        .map((w) => sysctlCommand(s.netns, w.name, w.suggest ?? '')),
    };
  },
};
