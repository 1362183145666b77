// Scans /proc/net/tcp{,6} as a Buffer: counts the `st` column of every line and parses only interesting rows.
// At 50k sockets this avoids 50k string splits; see scripts/bench/host-poll.ts for the numbers.
import { ipv4FromHex, ipv6FromHex } from './proc-addr.js';

/** A row we need details for (LISTEN and the closing states whose owner matters). */
export interface TcpRow {
  family: 4 | 6;
  state: number;
  localAddr: string;
  localPort: number;
  txQueue: number;
  rxQueue: number;
  inode: number;
}

export interface TcpScan {
  /** Count per kernel state number (index = state, 0 unused). */
  byState: number[];
  rows: TcpRow[];
  /** Timewait minisockets (timer column `tr` 3: TIME_WAIT and orphaned FIN_WAIT2), counted in sockstat `tw`. */
  timewait: number;
}

export const newTcpScan = (): TcpScan => ({ byState: new Array<number>(16).fill(0), rows: [], timewait: 0 });

const FIN_WAIT2 = 5;
const TIME_WAIT = 6;
const SP = 0x20;
const NL = 0x0a;

function hexNibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function skipSpaces(buf: Buffer, p: number, end: number): number {
  while (p < end && buf[p] === SP) p++;
  return p;
}

function skipToken(buf: Buffer, p: number, end: number): number {
  while (p < end && buf[p] !== SP && buf[p] !== NL) p++;
  return p;
}

/**
 * Adds the sockets of one table to `scan`. `detail` is a bitmask of state numbers (1 << state) whose rows
 * are decoded into `scan.rows`; every other line costs a few byte comparisons.
 */
export function scanTcpTable(buf: Buffer, family: 4 | 6, detail: number, scan: TcpScan): TcpScan {
  const end = buf.length;
  let p = buf.indexOf(NL);
  if (p < 0) return scan;
  p++;
  while (p < end) {
    let nl = buf.indexOf(NL, p);
    if (nl < 0) nl = end;
    let q = skipSpaces(buf, p, nl);
    q = skipToken(buf, q, nl); // sl
    q = skipSpaces(buf, q, nl);
    const localAt = q;
    q = skipToken(buf, q, nl); // local
    const localEnd = q;
    q = skipSpaces(buf, q, nl);
    q = skipToken(buf, q, nl); // rem
    q = skipSpaces(buf, q, nl);
    const h = hexNibble(buf[q] ?? 0);
    const l = hexNibble(buf[q + 1] ?? 0);
    if (h >= 0 && l >= 0 && localEnd > localAt) {
      const st = h * 16 + l;
      if (st < scan.byState.length) scan.byState[st] = (scan.byState[st] ?? 0) + 1;
      if (st === TIME_WAIT || st === FIN_WAIT2) {
        let t = skipSpaces(buf, skipToken(buf, q, nl), nl); // tx:rx
        t = skipSpaces(buf, skipToken(buf, t, nl), nl); // tr:tm->when
        if (buf[t] === 0x30 && buf[t + 1] === 0x33) scan.timewait++;
      }
      if (detail & (1 << st)) {
        const row = parseRow(buf.toString('latin1', localAt, nl), family, st);
        if (row) scan.rows.push(row);
      }
    }
    p = nl + 1;
  }
  return scan;
}

function parseRow(text: string, family: 4 | 6, state: number): TcpRow | undefined {
  // Fields from `local`: local rem st tx:rx tr:tm retrnsmt uid timeout inode ...
  const f = text.split(/\s+/);
  const local = f[0] ?? '';
  const colon = local.indexOf(':');
  const queues = f[3] ?? '';
  const qc = queues.indexOf(':');
  const inode = Number(f[8]);
  if (colon < 0 || qc < 0 || !Number.isFinite(inode)) return undefined;
  const addrHex = local.slice(0, colon);
  return {
    family,
    state,
    localAddr: family === 4 ? ipv4FromHex(addrHex) : ipv6FromHex(addrHex),
    localPort: parseInt(local.slice(colon + 1), 16),
    txQueue: parseInt(queues.slice(0, qc), 16),
    rxQueue: parseInt(queues.slice(qc + 1), 16),
    inode,
  };
}
