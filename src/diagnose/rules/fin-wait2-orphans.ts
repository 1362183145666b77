// fin-wait2-orphans: many sockets in FIN_WAIT2, waiting for peers that never send their FIN; tcp_fin_timeout bounds only
// the orphaned ones (the application already closed), a shutdown()-but-open socket waits forever.
import type { Rule } from '../rule.js';
import { censusState } from '../context.js';
import { owner } from '../listeners.js';
import { fmtS } from '../timelines.js';
import { sysctlCommand } from '../values.js';

const MIN_COUNT = 100;

export const finWait2Orphans: Rule = {
  id: 'fin-wait2-orphans',
  kind: 'state',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const fw2 = censusState(s, 'FIN_WAIT2');
    if (fw2 < MIN_COUNT) return undefined;
    const owned = s.census.owners
      .filter((o) => o.state === 'FIN_WAIT2')
      .sort((a, b) => b.count - a.count || a.pid - b.pid);
    const ownedCount = owned.reduce((a, o) => a + o.count, 0);
    const orphaned = Math.max(0, fw2 - ownedCount);
    const finTimeout = ctx.num('net.ipv4.tcp_fin_timeout');
    const evidence: Record<string, number | string> = { finWait2: fw2, orphaned, ownedByProcesses: ownedCount };
    if (s.census.sockstat['TCP.orphan'] !== undefined) evidence.orphans = s.census.sockstat['TCP.orphan'];
    const top = owned[0];
    if (top) {
      evidence.pid = top.pid;
      evidence.comm = top.comm;
    }
    const advice: string[] = [];
    if (orphaned > 0 && finTimeout !== undefined && finTimeout > 15) {
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_fin_timeout', 15)}  # orphaned FIN_WAIT2 sockets go after 15 s instead of ${finTimeout} s`,
      );
    }
    if (top)
      advice.push(
        `${owner(top.pid, top.comm)} holds ${top.count} FIN_WAIT2 sockets it shut down but never closed: no timer ends those; close() them`,
      );
    advice.push(
      'the peers are not closing their side: check the remote application (it should close after reading EOF)',
    );
    return {
      id: 'fin-wait2-orphans',
      severity: 'warning',
      title: `${fw2} sockets in FIN_WAIT2 (${orphaned} orphaned): peers not closing their side`,
      evidence,
      sysctls: [ctx.ref('net.ipv4.tcp_fin_timeout', "how long an orphaned FIN_WAIT2 socket waits for the peer's FIN")],
      explanation:
        "This side sent its FIN and got it acknowledged; FIN_WAIT2 waits for the peer's FIN. " +
        `An orphaned one (the application already called close()) is kept for tcp_fin_timeout${finTimeout !== undefined ? ` = ${fmtS(finTimeout * 1000)} s` : ''}, then dropped; ` +
        'a socket the application only shut down (shutdown(SHUT_WR)) and still holds stays in FIN_WAIT2 with no timeout. tcp_fin_timeout does not change TIME_WAIT (60 s, fixed).',
      advice,
    };
  },
};
