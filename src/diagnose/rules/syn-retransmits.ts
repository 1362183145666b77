// syn-retransmits: this host's connect()s are not answered (slow or failing connects); computes when connect() gives
// up on this kernel from tcp_syn_retries and tcp_syn_linear_timeouts.
import type { Rule } from '../rule.js';
import { censusState, counter } from '../context.js';
import { fmtS, formatSeconds, synSchedule } from '../timelines.js';
import { sysctlCommand } from '../values.js';

export const synRetransmits: Rule = {
  id: 'syn-retransmits',
  // An event rule: the kernel retransmits SYNs on timers 1, 2, 4... s apart, so with sub-second intervals two
  // consecutive intervals with retransmits are rare and a 'state' rule (raised after 2) never fired in the lab.
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const synSent = censusState(s, 'SYN_SENT');
    const exact = s.mode !== 'procfs';
    // procfs: TCPSynRetrans counts SYNs and SYN-ACKs; attribute to SYNs only while connects are pending.
    const count = exact ? s.events.synRetrans : synSent > 0 ? counter(s, 'TcpExtTCPSynRetrans') : 0;
    if (count === 0) return undefined;

    const retries = ctx.num('net.ipv4.tcp_syn_retries');
    const linear = ctx.num('net.ipv4.tcp_syn_linear_timeouts');
    const sched =
      retries === undefined ? undefined : synSchedule(retries, linear ?? 0, ctx.num('net.ipv4.tcp_rto_max_ms'));
    const attemptFails = counter(s, 'TcpAttemptFails');
    const evidence: Record<string, number | string> = exact ? { synRetrans: count } : { tcpSynRetrans: count };
    evidence.synSent = synSent;
    evidence.attemptFails = attemptFails;
    if (sched) evidence.connectGiveUpS = sched.giveUpMs / 1000;

    const timeline = sched
      ? `tcp_syn_retries=${retries}${linear !== undefined ? `, tcp_syn_linear_timeouts=${linear}` : ' (no tcp_syn_linear_timeouts on this kernel)'}: ` +
        `a connect() retransmits its SYN at ${formatSeconds(sched.retransmitsAtMs)} and fails with ETIMEDOUT at ${fmtS(sched.giveUpMs)} s` +
        `${linear ? ` (the first retries use a linear 1 s timeout, then it doubles; the kernel also stops once ${fmtS(sched.giveUpMs)} s have passed per its timeout model)` : ''}.`
      : 'tcp_syn_retries is unreadable here.';
    const advice = [
      'check the destination: is the port listening, is its accept/SYN queue overflowing (run tcpscope there), does a firewall drop the SYNs?',
    ];
    if (retries !== undefined && retries > 3) {
      const fast = synSchedule(3, linear ?? 0);
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_syn_retries', 3)}  # fail connects after ${fmtS(fast.giveUpMs)} s instead of ${fmtS(sched?.giveUpMs ?? 0)} s (or set a connect timeout in the application)`,
      );
    }
    return {
      id: 'syn-retransmits',
      severity: attemptFails > 0 ? 'warning' : 'info',
      title: `outgoing connects not answered: ${count} SYN retransmits this interval${exact ? '' : ' (SYN+SYN-ACK, procfs)'}, ${synSent} connects pending`,
      evidence,
      sysctls: [
        ctx.ref('net.ipv4.tcp_syn_retries', 'SYN retransmits before connect() fails'),
        ctx.ref(
          'net.ipv4.tcp_syn_linear_timeouts',
          'first retries with a linear 1 s timeout, added to the retry limit',
        ),
      ],
      explanation:
        `Each SYN without a SYN-ACK within the RTO (1 s initially) is sent again. ${timeline} ` +
        'Every retransmit adds at least a second to the connect latency the application sees.' +
        (exact ? '' : " In procfs mode TcpExtTCPSynRetrans also counts this host's SYN-ACK retransmits."),
      advice,
    };
  },
};
