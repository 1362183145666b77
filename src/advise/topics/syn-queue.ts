// The SYN queue: tcp_max_syn_backlog and tcp_syncookies. On this kernel the SYN queue is full past min(backlog,
// somaxconn) like the accept queue; tcp_max_syn_backlog only matters with syncookies=0 (past 3/4 of it, unproven peers
// are dropped), so raising it never fixes an accept-queue overflow.
import { nextPow2 } from '../../diagnose/listeners.js';
import { change, keep, type Advice, type AdviceContext } from '../advice.js';

export function synQueue(ctx: AdviceContext): Advice[] {
  const p = ctx.profile;
  const t = p.totals;
  const msb = ctx.num('net.ipv4.tcp_max_syn_backlog');
  const cookies = ctx.num('net.ipv4.tcp_syncookies');
  const synDrops = t.reqQFullDrop + Math.max(0, t.listenDrops - t.listenOverflows);
  const evidence = [
    `peak half-open requests (SYN_RECV) ${p.peaks.synRecv}`,
    `SYN-queue drops ${t.reqQFullDrop} (TCPReqQFullDrop), cookies sent ${t.syncookiesSent}, listener drops beyond accept-queue overflows ${Math.max(0, t.listenDrops - t.listenOverflows)}`,
  ];
  if (t.listenOverflows > 0)
    evidence.push(`${t.listenOverflows} accept-queue overflows: tcp_max_syn_backlog has no effect on those`);
  const out: Advice[] = [];
  if (cookies === 0 && msb !== undefined && synDrops > 0) {
    const proposed = Math.max(msb * 2, nextPow2(p.peaks.synRecv * 2));
    out.push(
      change({
        topic: 'syn-queue',
        setting: 'net.ipv4.tcp_max_syn_backlog',
        kind: 'sysctl',
        current: String(msb),
        proposed: String(proposed),
        evidence,
        consequence: `with syncookies=0, SYNs from unproven peers are dropped past ${proposed - (proposed >> 2)} pending requests per listener instead of ${msb - (msb >> 2)}; each listener's SYN queue is still capped at min(backlog, somaxconn)`,
        risk: 'more memory per listener under a flood (one request sock each); enabling syncookies is the better defence',
        wrongIf:
          'the drops come from a full accept queue (see net.core.somaxconn and the listen() backlog), not from the SYN queue',
      }),
    );
  } else {
    out.push(
      keep({
        topic: 'syn-queue',
        setting: 'net.ipv4.tcp_max_syn_backlog',
        kind: 'sysctl',
        current: msb === undefined ? undefined : String(msb),
        evidence,
        consequence:
          cookies === 0
            ? `syncookies=0: past ${msb === undefined ? '?' : msb - (msb >> 2)} pending requests on a listener, SYNs from unproven peers are dropped; no such drop was measured`
            : `no effect while tcp_syncookies=${cookies ?? '?'}: a listener's SYN queue is full past min(backlog, somaxconn), and a full queue answers with cookies`,
        risk: 'none',
        wrongIf: 'syncookies are turned off (then it is the limit that drops SYNs from new peers)',
      }),
    );
  }
  if (cookies === 0 || cookies === 2) {
    out.push(
      change({
        topic: 'syn-queue',
        setting: 'net.ipv4.tcp_syncookies',
        kind: 'sysctl',
        current: String(cookies),
        proposed: '1',
        evidence: [`SYN-queue drops ${t.reqQFullDrop}, cookies sent ${t.syncookiesSent}`],
        consequence:
          cookies === 0
            ? 'a full SYN queue answers with a cookie instead of dropping the SYN: a SYN flood no longer locks out real clients'
            : 'cookies only when a SYN queue is full (1) instead of for every SYN (2): normal handshakes keep their full TCP options',
        risk: 'cookie handshakes lose options the cookie cannot encode (without timestamps: window scaling, SACK)',
        wrongIf: 'a SYN-flood appliance in front already does cookies (then 0 may be deliberate)',
      }),
    );
  } else {
    out.push(
      keep({
        topic: 'syn-queue',
        setting: 'net.ipv4.tcp_syncookies',
        kind: 'sysctl',
        current: cookies === undefined ? undefined : String(cookies),
        evidence: [`cookies sent ${t.syncookiesSent} (TCPReqQFullDoCookies ${t.reqQFullDoCookies})`],
        consequence:
          "cookies only when a listener's SYN queue is full; a SYN arriving while the ACCEPT queue is full is dropped even with cookies",
        risk: 'none',
        wrongIf: 'never for a server reachable from the Internet',
      }),
    );
  }
  return out;
}
