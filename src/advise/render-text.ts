// The plan as terminal text: profile, then each setting keep / change with evidence, consequence, risk, wrong-if.
import type { AdviceReport } from './report.js';
import { actionLabel, netnsName, profileRows, settingLabel, verdictLine } from './describe.js';

export function renderText(r: AdviceReport): string {
  const out: string[] = [];
  for (const plan of r.plans) {
    const p = plan.profile;
    out.push(`tcpscope advise: netns ${netnsName(p)}, kernel ${r.kernel || '?'}, from ${r.sources.join(', ')}`);
    out.push(`verdict: ${verdictLine(plan)}`, '', 'Workload profile');
    const rows = profileRows(p);
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) out.push(`  ${k.padEnd(w)}  ${v}`);
    out.push('', 'Plan (nothing is written: apply it yourself)');
    for (const a of [...plan.advice].sort((x, y) => (x.action === y.action ? 0 : x.action === 'change' ? -1 : 1))) {
      out.push(
        `  ${a.action === 'change' ? 'CHANGE' : 'keep  '} ${settingLabel(a)}: ${actionLabel(a)}${a.scope === 'host' ? '  [host-wide]' : ''}`,
      );
      if (a.action === 'change') {
        for (const e of a.evidence) out.push(`      evidence:    ${e}`);
        out.push(
          `      consequence: ${a.consequence}`,
          `      risk:        ${a.risk}`,
          `      wrong if:    ${a.wrongIf}`,
        );
      } else {
        out.push(`      ${a.evidence[0] ?? ''}${a.evidence[0] ? ' → ' : ''}${a.consequence}`);
      }
    }
    out.push('', 'Folklore refused');
    for (const f of plan.refusals) out.push(`  ✘ ${f.folklore}: ${f.why}`);
    out.push('', 'Margins measured');
    for (const m of plan.margins) out.push(`  ${m}`);
    out.push('');
  }
  if (r.plans.length === 0) out.push('tcpscope advise: no snapshots: nothing measured, nothing to advise', '');
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n').trimEnd()}\n`;
}
