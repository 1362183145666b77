// close-wait-leak: CLOSE_WAIT sockets piling up means the owning application never calls close(); names the process.
import type { Rule } from '../rule.js';
import { censusState } from '../context.js';
import { owner } from '../listeners.js';

/** Below this many CLOSE_WAIT sockets nothing is reported. */
const MIN_COUNT = 10;
/** This many at once is a leak even without seeing it grow. */
const ALWAYS_COUNT = 1000;
/** Snapshots compared for growth. */
const WINDOW = 30;

export const closeWaitLeak: Rule = {
  id: 'close-wait-leak',
  kind: 'state',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const now = censusState(s, 'CLOSE_WAIT');
    if (now < MIN_COUNT) return undefined;
    const window = ctx.history.slice(-WINDOW);
    const first = window[0] ? censusState(window[0], 'CLOSE_WAIT') : now;
    const growth = now - first;
    const spanS = window.length > 1 ? ((window[window.length - 1]?.time ?? 0) - (window[0]?.time ?? 0)) / 1000 : 0;
    if (growth <= 0 && now < ALWAYS_COUNT) return undefined;

    const owners = s.census.owners
      .filter((o) => o.state === 'CLOSE_WAIT')
      .sort((a, b) => b.count - a.count || a.pid - b.pid);
    const top = owners[0];
    const evidence: Record<string, number | string> = { closeWait: now, growth, windowS: spanS };
    if (top) {
      evidence.pid = top.pid;
      evidence.comm = top.comm;
      evidence.ownedByTop = top.count;
    }
    const who = top ? owner(top.pid, top.comm) : 'the owning process';
    const advice = top
      ? [
          `${who} holds ${top.count} CLOSE_WAIT sockets: find where it stops using a connection without close() (ss -tanp state close-wait | grep 'pid=${top.pid},'; ls -l /proc/${top.pid}/fd | grep -c socket)`,
          `restarting ${who} frees them now (a workaround, not a fix)`,
        ]
      : ['ss -tanp state close-wait shows the owners (run tcpscope as root to see pids)'];
    advice.push('no sysctl fixes this: the kernel keeps a CLOSE_WAIT socket until the application closes it or exits');
    return {
      id: 'close-wait-leak',
      severity: now >= ALWAYS_COUNT || growth >= MIN_COUNT ? 'critical' : 'warning',
      title: `${now} sockets in CLOSE_WAIT${growth > 0 ? ` (+${growth} in ${spanS} s)` : ''}${top ? `, ${top.count} owned by ${who}` : ''}: the application is not calling close()`,
      evidence,
      sysctls: [],
      explanation:
        'CLOSE_WAIT means the peer closed its side (its FIN arrived) and the kernel is waiting for the local application to call close(). ' +
        'No timer ends this state, so a growing count is a descriptor leak in the application; each one holds a file descriptor and socket memory until the process exits.',
      advice,
    };
  },
};
