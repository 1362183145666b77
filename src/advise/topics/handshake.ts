// Handshake retries: tcp_synack_retries (server) and tcp_syn_retries + tcp_syn_linear_timeouts (client), with the
// give-up times computed for this kernel and the measured loss: the seeds' "≤ 2" is only right for a clean path.
import { synackSchedule, synSchedule } from '../../diagnose/timelines.js';
import { change, dur, keep, pct, type Advice, type AdviceContext } from '../advice.js';

/** A handshake may fail for loss alone at most this often. */
const MAX_FAIL = 1e-3;
/** Below this retransmit share the path counts as clean. */
const CLEAN = 0.01;

/** Loss estimate from retransmits r over completed handshakes h: attempts = h + r, losses = r. */
export function lossOf(retrans: number, handshakes: number): number {
  return retrans + handshakes > 0 ? retrans / (retrans + handshakes) : 0;
}

/** Fewest transmissions n with loss^n ≤ MAX_FAIL (a handshake fails only when every one is lost). */
export function transmissionsFor(loss: number): number {
  if (loss <= 0) return 1;
  if (loss >= 1) return Infinity;
  return Math.ceil(Math.log(MAX_FAIL) / Math.log(loss));
}

/** Share of handshakes that fail when every one of `transmissions` is lost (losses assumed independent). */
const failShare = (loss: number, transmissions: number): string => (loss > 0 ? pct(loss ** transmissions, 1) : '0 %');

export function handshake(ctx: AdviceContext): Advice[] {
  return [synackRetries(ctx), synRetries(ctx)];
}

function synackRetries(ctx: AdviceContext): Advice {
  const p = ctx.profile;
  const t = p.totals;
  const cur = ctx.num('net.ipv4.tcp_synack_retries');
  const base = {
    topic: 'handshake',
    setting: 'net.ipv4.tcp_synack_retries',
    kind: 'sysctl' as const,
    current: cur === undefined ? undefined : String(cur),
  };
  if (cur === undefined)
    return keep({ ...base, evidence: [], consequence: 'unreadable here', risk: 'none', wrongIf: '-' });
  const now = synackSchedule(cur);
  // SYN-ACKs retried because the final ACK hit a full accept queue are not path loss.
  const queueRetrans = p.listeners.filter((l) => l.intervalsAtCapacity > 0).reduce((n, l) => n + l.synackRetrans, 0);
  const pathRetrans = Math.max(0, t.synackRetrans - queueRetrans);
  const loss = lossOf(pathRetrans, t.passiveOpens);
  const evidence = [
    `${t.passiveOpens} incoming handshakes completed, ${t.synackRetrans} SYN-ACK retransmits${t.passiveOpens > 0 ? ` (${pct(t.synackRetrans, t.passiveOpens)} of handshakes)` : ''}` +
      (queueRetrans > 0 ? `, ${queueRetrans} of them on a full accept queue (not path loss)` : ''),
    `estimated SYN-ACK loss on the path ${pct(loss, 1)}`,
  ];
  const lat = p.connectLatency;
  if (lat?.p99Ms !== undefined) evidence.push(`connect latency p99 ≤ ${lat.p99Ms} ms over ${lat.count} connects`);
  // SYN-queue pressure without accept-queue overflows: half-open requests (a flood). With overflows, the queues filled
  // with real clients (a burst), and shorter SYN-ACK retries would only fail them sooner.
  const flood = t.reqQFullDrop + t.reqQFullDoCookies + t.syncookiesSent > 0 && t.listenOverflows === 0;
  const fmt = (r: number): string => {
    const s = synackSchedule(r);
    return `retransmits at ${s.retransmitsAtMs.map((x) => x / 1000).join(',') || '(none)'} s, gives up after ${dur(s.giveUpMs)}`;
  };
  if (loss >= CLEAN) {
    const need = transmissionsFor(loss) - 1;
    if (cur >= need) {
      return keep({
        ...base,
        evidence,
        consequence: `${fmt(cur)}; with ${pct(loss, 1)} loss a handshake fails only if all ${cur + 1} SYN-ACKs are lost (${failShare(loss, cur + 1)}). Lowering it to 2 (the folk value) would fail ${failShare(loss, 3)} of handshakes`,
        risk: 'half-open requests of a SYN flood hold SYN-queue slots for the full give-up time',
        wrongIf:
          'the retransmits are a flood of spoofed SYNs rather than loss (then cookies protect you and 2 is fine)',
      });
    }
    return change({
      ...base,
      proposed: String(need),
      evidence,
      consequence: `${fmt(need)} instead of ${fmt(cur)}: with ${pct(loss, 1)} loss, failed handshakes drop from ${failShare(loss, cur + 1)} to ${failShare(loss, need + 1)} (losses taken as independent)`,
      risk: `a flood's half-open requests linger ${dur(synackSchedule(need).giveUpMs)} instead of ${dur(now.giveUpMs)}`,
      wrongIf: 'the loss was a one-off (the recording caught a bad minute) or the retransmits come from a flood',
    });
  }
  if (flood && cur > 2) {
    const two = synackSchedule(2);
    return change({
      ...base,
      proposed: '2',
      evidence: [
        ...evidence,
        `SYN-queue pressure: ${t.reqQFullDoCookies} cookie fallbacks, ${t.reqQFullDrop} SYN-queue drops, peak SYN_RECV ${p.peaks.synRecv}`,
      ],
      consequence: `an unanswered SYN-ACK gives up after ${dur(two.giveUpMs)} instead of ${dur(now.giveUpMs)}, so a flood holds SYN-queue slots ${Math.round(now.giveUpMs / two.giveUpMs)}× shorter; your measured loss (${pct(loss, 1)}) fails ${failShare(loss, 3)} of handshakes with 3 transmissions`,
      risk: 'clients on lossy paths (mobile) fail more handshakes',
      wrongIf: 'real clients sit behind lossy links the recording did not see',
    });
  }
  return keep({
    ...base,
    evidence,
    consequence: `${fmt(cur)}; ${t.passiveOpens + t.synackRetrans === 0 ? 'no incoming handshakes were measured' : `the measured loss fails ${failShare(loss, cur + 1)} of handshakes`}`,
    risk: 'none',
    wrongIf: 'a SYN flood arrives (then 2 frees SYN-queue slots sooner; syncookies already protect the queue)',
  });
}

function synRetries(ctx: AdviceContext): Advice {
  const p = ctx.profile;
  const t = p.totals;
  const cur = ctx.num('net.ipv4.tcp_syn_retries');
  const linear = ctx.timelines.synLinearTimeouts;
  const hasLinear = ctx.value('net.ipv4.tcp_syn_linear_timeouts') !== undefined;
  const base = {
    topic: 'handshake',
    setting: 'net.ipv4.tcp_syn_retries',
    kind: 'sysctl' as const,
    current: cur === undefined ? undefined : String(cur),
  };
  if (cur === undefined)
    return keep({ ...base, evidence: [], consequence: 'unreadable here', risk: 'none', wrongIf: '-' });
  const rtoMax = ctx.num('net.ipv4.tcp_rto_max_ms');
  const sched = (r: number): ReturnType<typeof synSchedule> => synSchedule(r, linear, rtoMax);
  const fmt = (r: number): string => {
    const s = sched(r);
    return `${s.retransmitsAtMs.length} SYN retransmits at ${s.retransmitsAtMs.map((x) => x / 1000).join(',')} s, connect() fails with ETIMEDOUT after ${dur(s.giveUpMs)}`;
  };
  const loss = lossOf(t.synRetrans, t.activeOpens);
  const evidence = [
    `${t.activeOpens} outgoing connects, ${t.synRetrans} SYN retransmits${t.activeOpens > 0 ? ` (${pct(t.synRetrans, t.activeOpens)})` : ''}, ${t.attemptFails} failed attempts (AttemptFails)`,
    `estimated SYN / SYN-ACK loss on the path ${pct(loss, 1)}`,
  ];
  const linearText = hasLinear
    ? ` (tcp_syn_linear_timeouts=${linear}: the first ${linear} retries wait 1 s each, and the retry limit is syn_retries + ${linear})`
    : ' (no tcp_syn_linear_timeouts on this kernel: the RTO doubles from the first retry)';
  const transmissions = (r: number): number => sched(r).retransmitsAtMs.length + 1;
  if (loss >= CLEAN && transmissions(cur) < transmissionsFor(loss)) {
    let r = cur;
    while (transmissions(r) < transmissionsFor(loss) && r < 15) r++;
    return change({
      ...base,
      proposed: String(r),
      evidence,
      consequence: `${fmt(r)} instead of ${fmt(cur)}${linearText}; with ${pct(loss, 1)} loss, failed connects drop from ${failShare(loss, transmissions(cur))} to ${failShare(loss, transmissions(r))}`,
      risk: 'connect() to a dead host blocks longer: the application should carry its own connect timeout',
      wrongIf: 'the failures are a dead or filtered destination, not loss (retries cannot help then)',
    });
  }
  return keep({
    ...base,
    evidence,
    consequence: `${fmt(cur)}${linearText}${loss > 0 ? `; the measured loss fails ${failShare(loss, transmissions(cur))} of connects` : ''}. Lowering it to fail fast is better done with a connect timeout in the application`,
    risk: 'none',
    wrongIf:
      'the destination is dead and callers block too long: set an application connect timeout rather than lowering this for the whole netns',
  });
}
