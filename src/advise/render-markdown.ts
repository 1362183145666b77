// The plan as Markdown (a change ticket): profile table, plan table, refused folklore, margins.
import type { AdviceReport } from './report.js';
import { actionLabel, netnsName, profileRows, settingLabel, verdictLine } from './describe.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(r: AdviceReport): string {
  const out: string[] = [];
  for (const plan of r.plans) {
    const p = plan.profile;
    out.push(
      `## Tuning plan: netns ${netnsName(p)}`,
      '',
      `Kernel ${r.kernel || '?'}, measured from ${r.sources.map((s) => `\`${s}\``).join(', ')}. **Verdict: ${verdictLine(plan)}.** tcpscope never writes a setting.`,
      '',
    );
    out.push('### Workload profile', '', '| | measured |', '|---|---|');
    for (const [k, v] of profileRows(p)) out.push(`| ${cell(k)} | ${cell(v)} |`);
    out.push(
      '',
      '### Plan',
      '',
      '| setting | action | evidence | consequence on this kernel | risk | wrong if |',
      '|---|---|---|---|---|---|',
    );
    for (const a of [...plan.advice].sort((x, y) => (x.action === y.action ? 0 : x.action === 'change' ? -1 : 1))) {
      const action = a.action === 'change' ? `**${actionLabel(a)}**` : actionLabel(a);
      out.push(
        `| \`${cell(settingLabel(a))}\`${a.scope === 'host' ? ' (host-wide)' : ''} | ${cell(action)} | ${cell(a.evidence.join('; '))} | ${cell(a.consequence)} | ${cell(a.risk)} | ${cell(a.wrongIf)} |`,
      );
    }
    out.push('', '### Folklore refused', '');
    for (const f of plan.refusals) out.push(`- ~~${f.folklore}~~: ${f.why}`);
    out.push('', '### Margins measured', '');
    for (const m of plan.margins) out.push(`- ${m}`);
    out.push('');
  }
  if (r.plans.length === 0) out.push('No snapshots: nothing measured, nothing to advise.', '');
  for (const w of r.warnings) out.push(`> warning: ${w}`);
  return `${out.join('\n').trimEnd()}\n`;
}
