// "Sockets" panel: sockets per TCP state and orphans, against the sysctl limit where the kernel has one.
import type { Snapshot } from '../../model/snapshot.js';
import type { History } from './history.js';
import { fmtNum, sparkline } from './format.js';
import { pad, span, type Line, type Tone } from './markup.js';
import type { PanelSize } from './rates-view.js';

export interface StateRow {
  key: string;
  label: string;
  short: string;
  value: number;
  limit: number | undefined;
  limitName: string | undefined;
  tone: Tone;
  /** Biggest owner, for states a process is responsible for (CLOSE_WAIT...). */
  owner: string | undefined;
}

const STATES: readonly [key: string, short: string][] = [
  ['ESTABLISHED', 'ESTAB'],
  ['SYN_SENT', 'SYN_SENT'],
  ['SYN_RECV', 'SYN_RECV'],
  ['TIME_WAIT', 'TIME_WAIT'],
  ['CLOSE_WAIT', 'CLOSE_WAIT'],
  ['FIN_WAIT1', 'FIN_WAIT1'],
  ['FIN_WAIT2', 'FIN_WAIT2'],
  ['LAST_ACK', 'LAST_ACK'],
];

const LIMITS: Record<string, string> = {
  TIME_WAIT: 'net.ipv4.tcp_max_tw_buckets',
  orphans: 'net.ipv4.tcp_max_orphans',
};

function limitTone(value: number, limit: number | undefined): Tone {
  if (limit === undefined || limit <= 0) return 'normal';
  if (value >= limit) return 'crit';
  if (value >= 0.8 * limit) return 'warn';
  return 'normal';
}

export function stateRows(s: Snapshot): StateRow[] {
  const num = (name: string): number | undefined => {
    const v = s.sysctls[name];
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const rows: StateRow[] = STATES.map(([key, short]) => {
    let value = s.census.states[key] ?? 0;
    if (key === 'TIME_WAIT' && s.census.states[key] === undefined) value = s.census.sockstat['TCP.tw'] ?? 0;
    const limitName = LIMITS[key];
    const limit = limitName ? num(limitName) : undefined;
    const top = s.census.owners.filter((o) => o.state === key).sort((a, b) => b.count - a.count)[0];
    const tone: Tone = key === 'CLOSE_WAIT' && value > 0 ? 'warn' : limitTone(value, limit);
    return {
      key,
      label: key,
      short,
      value,
      limit,
      limitName,
      tone,
      owner: top ? `${top.comm}/${top.pid} ${top.count}` : undefined,
    };
  });
  const orphans = s.census.sockstat['TCP.orphan'] ?? 0;
  const limit = num(LIMITS.orphans!);
  rows.push({
    key: 'orphans',
    label: 'orphans',
    short: 'orphans',
    value: orphans,
    limit,
    limitName: LIMITS.orphans,
    tone: limitTone(orphans, limit),
    owner: undefined,
  });
  return rows;
}

function limitText(r: StateRow): string {
  if (r.limit === undefined) return '';
  const pct = r.limit > 0 ? Math.round((100 * r.value) / r.limit) : 0;
  return `/ ${fmtNum(r.limit)} (${pct}%)`;
}

export function statesLines(h: History, size: PanelSize): Line[] {
  const latest = h.latest;
  if (!latest) return [[span('waiting for the first snapshot…', 'dim')]];
  const rows = stateRows(latest);
  const lines: Line[] = [];
  if (size.width >= 50 && size.height >= rows.length) {
    const sparkW = Math.max(0, size.width - 12 - 8 - 18 - 3);
    for (const r of rows) {
      const tail = r.owner
        ? span(pad(` ${r.owner}`, sparkW + 1), 'dim')
        : span(
            ` ${sparkline(
              h.series((p) => (r.key === 'orphans' ? undefined : p.states[r.key])),
              sparkW,
            )}`,
            'info',
          );
      lines.push([
        span(pad(r.label, 12), r.tone, r.tone === 'crit'),
        span(pad(fmtNum(r.value), 8, 'right'), r.tone, r.tone !== 'normal'),
        span(' '),
        span(pad(limitText(r), 18), r.tone),
        tail,
      ]);
    }
    return lines;
  }
  // Compact: limited states on their own line (the limit is the point), the rest two per line.
  const colW = Math.floor(size.width / 2);
  for (const r of rows.filter((x) => x.limit !== undefined)) {
    lines.push([
      span(pad(r.short, 10), r.tone, r.tone === 'crit'),
      span(pad(fmtNum(r.value), 7, 'right'), r.tone, r.tone !== 'normal'),
      span(` ${limitText(r)}`, r.tone),
    ]);
  }
  const rest = rows.filter((x) => x.limit === undefined);
  for (let i = 0; i < rest.length; i += 2) {
    const line: Line = [];
    for (const r of rest.slice(i, i + 2)) {
      line.push(
        span(pad(r.short, colW - 8), r.tone, r.tone === 'crit'),
        span(pad(fmtNum(r.value), 7, 'right'), r.tone, r.tone !== 'normal'),
        span(' '),
      );
    }
    lines.push(line);
  }
  return lines.slice(0, Math.max(1, size.height));
}
