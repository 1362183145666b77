// Sockets per TCP state from one sock_diag dump of the rare states plus sockstat, without dumping ESTABLISHED.
// Why: at 50k sockets a full /proc/net/tcp read costs ~120-200 ms here and `ss -tan` ~120 ms; the rare states
// cost ~20 ms (scripts/bench/host-poll.ts). ESTABLISHED and TIME_WAIT are the big populations and are derived:
//   full sockets hashed = sockstat TCP.inuse + TCP6.inuse = ESTABLISHED + every rare full socket
//   timewait minisockets = sockstat TCP.tw = TIME_WAIT + orphaned FIN_WAIT2 minisockets (ss: timer:(timewait)).
// SYN_RECV rows are request sockets (not in inuse); a TCP Fast Open child (full SYN_RECV) is the exception.
import { stateName } from '../tcp-states.js';
import type { SsRow } from './ss-table.js';
import type { TcpScan } from './tcp-table.js';

const SYN_RECV = 3;
/** Always present (0 when none), so consumers can tell "none" from "not measured". */
const MAIN_STATES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'CLOSING',
  'LISTEN',
];
const zeroCensus = (): Record<string, number> => Object.fromEntries(MAIN_STATES.map((s) => [s, 0]));
const TIME_WAIT = 6;
const ESTABLISHED = 1;

export function censusFromSs(rows: SsRow[], sockstat: Record<string, number>): Record<string, number> {
  const census = zeroCensus();
  let fullRare = 0;
  let miniRare = 0;
  for (const r of rows) {
    const name = stateName(r.state);
    census[name] = (census[name] ?? 0) + 1;
    if (r.mini) miniRare++;
    else if (r.state !== SYN_RECV) fullRare++;
  }
  const inuse = (sockstat['TCP.inuse'] ?? 0) + (sockstat['TCP6.inuse'] ?? 0);
  // Clamped: sockstat and the dump are read a few ms apart, so heavy churn can make the difference negative.
  census[stateName(ESTABLISHED)] = Math.max(0, inuse - fullRare);
  census[stateName(TIME_WAIT)] = Math.max(0, (sockstat['TCP.tw'] ?? 0) - miniRare);
  return census;
}

/** Exact census from a /proc/net/tcp{,6} scan (the fallback when ss is missing). */
export function censusFromScan(scan: TcpScan): Record<string, number> {
  const census = zeroCensus();
  scan.byState.forEach((n, st) => {
    if (n > 0) census[stateName(st)] = n;
  });
  return census;
}
