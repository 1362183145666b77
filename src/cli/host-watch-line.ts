// The human lines of a whole-host `watch`: host totals, then the most troubled namespaces with their worst finding.
import type { HostSnapshot, NetnsSection } from '../model/host-snapshot.js';
import { sectionLabelOf } from '../pipeline/wholehost/label.js';
import { latencyPart } from './latency-line.js';

const TOP = 5;
const n = (v: number | undefined): number => v ?? 0;
const r = (v: number): string => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

export const sectionLabel = (s: NetnsSection): string => sectionLabelOf(s.netns);

function sectionLine(s: NetnsSection): string {
  if (s.status !== 'ok' || !s.snapshot)
    return `  #${s.rank} ${sectionLabel(s)} ${s.status.toUpperCase()}${s.notes.length ? ` (${s.notes.join('; ')})` : ''}`;
  const st = s.snapshot.census.states;
  const x = s.rates;
  const worst = s.snapshot.findings[0];
  const lat = latencyPart(s.snapshot);
  return (
    [
      `  #${s.rank} ${sectionLabel(s)}`,
      `estab ${n(st.ESTABLISHED)} synrecv ${n(st.SYN_RECV)} tw ${n(st.TIME_WAIT)} cw ${n(st.CLOSE_WAIT)}`,
      `conn/s in ${r(x.connIn)} out ${r(x.connOut)}`,
      `overflow/s ${r(x.overflows)} synq-drop/s ${r(x.synDrops)} drops/s ${r(x.drops)} rst/s out ${r(x.rstSent)} in ${r(x.rstRecv)}`,
      ...(lat ? [lat] : []),
    ].join(' | ') + (worst ? `\n    ${worst.severity.toUpperCase()} ${worst.id}: ${worst.title}` : '')
  );
}

export function hostWatchLines(h: HostSnapshot): string {
  const time = new Date(h.time).toISOString().slice(11, 19);
  const t = h.totals;
  const head = [
    `${time} host: ${t.namespaces} netns (${t.troubled} troubled, ${t.idle} idle)`,
    `estab ${n(t.states.ESTABLISHED)} tw ${n(t.states.TIME_WAIT)} cw ${n(t.states.CLOSE_WAIT)} synrecv ${n(t.states.SYN_RECV)}`,
    `conn/s in ${r(t.rates.connIn)} out ${r(t.rates.connOut)}`,
    `overflow/s ${r(t.rates.overflows)} synq-drop/s ${r(t.rates.synDrops)} drops/s ${r(t.rates.drops)}`,
  ];
  if (h.gaps.length) head.push(`GAP ${h.gaps.map((g) => g.reason).join('; ')}`);
  if (h.events.lost || h.events.suppressed) head.push(`lost ${h.events.lost} suppressed ${h.events.suppressed}`);
  // The troubled ones (findings or drops), at most TOP; a quiet host shows its busiest few.
  const shown = h.namespaces
    .filter(
      (s) => s.status !== 'ok' || s.worst !== undefined || s.rates.overflows + s.rates.synDrops + s.rates.drops > 0,
    )
    .slice(0, TOP);
  return [head.join(' | '), ...shown.map(sectionLine)].join('\n');
}
