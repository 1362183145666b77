// One human line per snapshot for `tcpscope watch`: the numbers an on-call person scans first.
import { ownerSelector } from '../kernel/runtimes/label.js';
import type { Snapshot } from '../model/snapshot.js';
import { latencyPart } from './latency-line.js';

const n = (v: number | undefined): number => v ?? 0;

export function watchLine(s: Snapshot): string {
  const time = new Date(s.time).toISOString().slice(11, 19);
  const st = s.census.states;
  const c = s.counters;
  const secs = s.intervalMs / 1000;
  const per = (v: number): string => (v / secs).toFixed(v / secs >= 10 ? 0 : 1);
  const active = s.mode === 'ebpf' ? n(s.transitions['CLOSE->SYN_SENT']) : n(c.TcpActiveOpens);
  const passive = n(c.TcpPassiveOpens);
  const rstOut = s.mode === 'ebpf' ? s.events.resetsSent : n(c.TcpOutRsts);
  const rstIn = s.mode === 'ebpf' ? s.events.resetsReceived : n(c.TcpEstabResets);
  const parts = [
    `${time} ${s.netns.owner ? ownerSelector(s.netns.owner) : (s.netns.name ?? s.netns.inode)}`,
    `estab ${n(st.ESTABLISHED)} tw ${n(st.TIME_WAIT)} cw ${n(st.CLOSE_WAIT)} fw2 ${n(st.FIN_WAIT2)} synrecv ${n(st.SYN_RECV)} synsent ${n(st.SYN_SENT)}`,
    `conn/s out ${per(active)} in ${per(passive)}`,
    `rst/s out ${per(rstOut)} in ${per(rstIn)}`,
    `overflow/s ${per(n(c.TcpExtListenOverflows))} synq-drop/s ${per(n(c.TcpExtTCPReqQFullDrop))} synack-rtx ${s.events.synackRetrans || n(c.TcpExtTCPSynRetrans)}`,
  ];
  const lat = latencyPart(s);
  if (lat) parts.push(lat);
  if (s.gaps.length) parts.push(`GAP ${s.gaps.map((g) => g.reason).join('; ')}`);
  if (s.events.lost || s.events.suppressed) parts.push(`lost ${s.events.lost} suppressed ${s.events.suppressed}`);
  let line = parts.join(' | ');
  for (const f of s.findings) line += `\n  ${f.severity.toUpperCase()} ${f.id}: ${f.title}`;
  return line;
}
