// "Sysctls" panel: the settings behind what is on screen; those named by an active finding first, changes marked.
import type { Finding } from '../../model/finding.js';
import type { History } from './history.js';
import { pad, span, type Line } from './markup.js';
import type { PanelSize } from './rates-view.js';
import { shortSysctl, SYSCTL_MEANING, SYSCTL_MEANINGS } from './sysctl-meanings.js';

export interface SysctlRow {
  name: string;
  value: string | undefined;
  meaning: string;
  /** Ids of active findings that name this sysctl. */
  implicatedBy: string[];
  /** Last change during the session, as `old→new`. */
  change: string | undefined;
}

export function sysctlRows(h: History): SysctlRow[] {
  const s = h.latest;
  if (!s) return [];
  const byName = new Map<string, SysctlRow>();
  const add = (name: string, meaning: string | undefined, value: string | undefined): SysctlRow => {
    let row = byName.get(name);
    if (!row) {
      const ch = h.changes.get(name);
      row = {
        name,
        value: (s.sysctls[name] ?? value)?.replace(/\s+/g, ' '),
        meaning: meaning ?? SYSCTL_MEANING.get(name) ?? '',
        implicatedBy: [],
        change: ch ? `${ch.old ?? '?'}→${ch.new ?? '?'}` : undefined,
      };
      byName.set(name, row);
    }
    return row;
  };
  const findings: Finding[] = s.findings;
  for (const f of findings) {
    for (const ref of f.sysctls) {
      const row = add(ref.name, ref.role, ref.value);
      if (!row.implicatedBy.includes(f.id)) row.implicatedBy.push(f.id);
      if (row.implicatedBy.length === 1 && ref.role) row.meaning = ref.role;
    }
  }
  for (const name of h.changes.keys()) add(name, undefined, undefined);
  for (const [name, meaning] of SYSCTL_MEANINGS) if (s.sysctls[name] !== undefined) add(name, meaning, undefined);
  const rank = (r: SysctlRow): number => (r.implicatedBy.length > 0 ? 0 : r.change ? 1 : 2);
  const catalogue = (n: string): number => {
    const i = SYSCTL_MEANINGS.findIndex(([x]) => x === n);
    return i === -1 ? 999 : i;
  };
  return [...byName.values()].sort((a, b) => rank(a) - rank(b) || catalogue(a.name) - catalogue(b.name));
}

export function sysctlLines(h: History, size: PanelSize): Line[] {
  const rows = sysctlRows(h);
  if (rows.length === 0) return [[span('waiting for the first snapshot…', 'dim')]];
  const full = size.width >= 90;
  const nameW = full ? 32 : 22;
  const valueW = Math.min(16, Math.max(8, ...rows.map((r) => (r.value ?? '?').length)));
  const lines: Line[] = [];
  for (const r of rows.slice(0, size.height)) {
    const hot = r.implicatedBy.length > 0;
    const mark = hot ? '!' : r.change ? 'Δ' : ' ';
    const line: Line = [
      span(mark, hot ? 'crit' : 'warn', true),
      span(pad(full ? r.name : shortSysctl(r.name), nameW), hot ? 'crit' : 'normal', hot),
      span(pad(r.value ?? '?', valueW, 'right'), hot ? 'crit' : r.change ? 'warn' : 'info', hot),
      span(' '),
    ];
    if (r.change) line.push(span(`(was ${r.change.split('→')[0]}) `, 'warn'));
    line.push(span(r.meaning, hot ? 'normal' : 'dim'));
    lines.push(line);
  }
  if (rows.length > size.height && size.height > 0)
    lines[size.height - 1] = [span(`… ${rows.length - size.height + 1} more (press s)`, 'dim')];
  return lines;
}
