// The PromQL of deploy/grafana/tcpscope.json (panel targets, variable queries, annotations), with Grafana's variables
// replaced so promtool and Prometheus can run them.
import { readFile } from 'node:fs/promises';

export const DASHBOARD = 'deploy/grafana/tcpscope.json';

export interface DashboardQuery {
  where: string;
  expr: string;
}

interface Panel {
  title: string;
  type: string;
  targets?: { refId: string; expr: string }[];
}
export interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; query?: string | { query: string } }[] };
  annotations: { list: { name: string; expr?: string }[] };
}

/** `$__rate_interval` → 1m, `$netns`/`${x}` → `.*` (the "All" value of every variable here). */
export function grafanaToPromQL(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, '1m')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '.*');
}

export async function loadDashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
}

/** Every query of the dashboard, ready for PromQL (label_values(SEL, label) → SEL). */
export function dashboardQueries(d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const p of d.panels)
    for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  for (const v of d.templating.list) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const m = q === undefined ? null : /^label_values\((.*),\s*[A-Za-z_]+\)$/.exec(q);
    if (m) out.push({ where: `variable ${v.name}`, expr: m[1]! });
  }
  for (const a of d.annotations.list) if (a.expr) out.push({ where: `annotation ${a.name}`, expr: a.expr });
  return out.map((q) => ({ ...q, expr: grafanaToPromQL(q.expr) }));
}
