// Parses `ss -tanHoe state ...` (netlink sock_diag) rows: listeners with capacity, and the rare states with inodes.
import { stateNumber } from '../tcp-states.js';

export interface SsRow {
  family: 4 | 6;
  /** Kernel state number (LISTEN 10, CLOSE_WAIT 8...). */
  state: number;
  /** Recv-Q: for LISTEN the current accept queue. */
  recvQ: number;
  /** Send-Q: for LISTEN the accept queue capacity (sk_max_ack_backlog). */
  sendQ: number;
  localAddr: string;
  localPort: number;
  inode: number;
  /** A timewait minisocket (orphaned FIN_WAIT2 / TIME_WAIT): not a full socket, not in sockstat `inuse`. */
  mini: boolean;
}

/** ss state names (`FIN-WAIT-2`, `ESTAB`, `UNCONN`) to kernel numbers. */
function ssState(name: string): number | undefined {
  if (name === 'ESTAB') return 1;
  if (name === 'UNCONN') return 7;
  return stateNumber(name.replace(/-/g, '_').replace(/^FIN_WAIT_/, 'FIN_WAIT'));
}

/** `127.0.0.1:80`, `[::1]:80`, `*:80` (dual-stack ::), `127.0.0.1%lo:53`. */
export function splitSsAddr(s: string): { family: 4 | 6; addr: string; port: number } | undefined {
  const c = s.lastIndexOf(':');
  if (c <= 0) return undefined;
  const port = Number(s.slice(c + 1));
  let addr = s.slice(0, c);
  const pct = addr.indexOf('%');
  if (pct >= 0) addr = addr.slice(0, pct);
  if (!Number.isInteger(port)) return undefined;
  if (addr === '*') return { family: 6, addr: '::', port };
  if (addr.startsWith('[')) return { family: 6, addr: addr.slice(1, addr.endsWith(']') ? -1 : undefined), port };
  return { family: addr.includes(':') ? 6 : 4, addr, port };
}

export function parseSsRows(text: string): SsRow[] {
  const rows: SsRow[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const state = ssState(f[0] ?? '');
    const local = splitSsAddr(f[3] ?? '');
    if (state === undefined || !local) continue;
    let inode = 0;
    let mini = false;
    for (let k = 5; k < f.length; k++) {
      const tok = f[k] ?? '';
      if (tok.startsWith('ino:')) inode = Number(tok.slice(4)) || 0;
      else if (tok.startsWith('timer:(timewait')) mini = true;
    }
    rows.push({
      family: local.family,
      state,
      recvQ: Number(f[1]) || 0,
      sendQ: Number(f[2]) || 0,
      localAddr: local.addr,
      localPort: local.port,
      inode,
      mini,
    });
  }
  return rows;
}

/** The states dumped by `ss`: everything except ESTABLISHED and TIME_WAIT, which are derived from sockstat. */
export const SS_RARE_STATES = [
  'syn-sent',
  'syn-recv',
  'fin-wait-1',
  'fin-wait-2',
  'close-wait',
  'last-ack',
  'closing',
  'listening',
] as const;

/** Arguments for one `ss` run that dumps the rare states with inode (-e) and timer (-o). */
export function ssRareArgs(): string[] {
  return ['-tanHoe', ...SS_RARE_STATES.flatMap((s) => ['state', s])];
}
