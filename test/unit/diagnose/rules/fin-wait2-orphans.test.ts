// Rule fin-wait2-orphans on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { finWait2Orphans } from '../../../../src/diagnose/rules/fin-wait2-orphans.js';
import { ctxOf, snap } from '../factory.js';

describe('fin-wait2-orphans', () => {
  it('is silent under 100 FIN_WAIT2 sockets', () => {
    expect(finWait2Orphans.evaluate(ctxOf(snap({ states: { FIN_WAIT2: 99 } })))).toBeUndefined();
  });

  it('splits orphaned from process-held FIN_WAIT2 and applies tcp_fin_timeout to orphans only', () => {
    const f = finWait2Orphans.evaluate(
      ctxOf(
        snap({
          states: { FIN_WAIT2: 300 },
          sockstat: { 'TCP.orphan': 250 },
          owners: [{ state: 'FIN_WAIT2', pid: 99, comm: 'proxy', count: 50 }],
        }),
      ),
    );
    expect(f?.evidence).toMatchObject({ finWait2: 300, orphaned: 250, ownedByProcesses: 50, orphans: 250, pid: 99 });
    expect(f?.sysctls).toEqual([expect.objectContaining({ name: 'net.ipv4.tcp_fin_timeout', value: '60' })]);
    expect(f?.explanation).toContain('kept for tcp_fin_timeout = 60 s');
    expect(f?.explanation).toContain('does not change TIME_WAIT');
    expect(f?.advice[0]).toMatch(
      /^sysctl -w net\.ipv4\.tcp_fin_timeout=15 +# orphaned FIN_WAIT2 sockets go after 15 s instead of 60 s/,
    );
    expect(f?.advice[1]).toContain('pid 99 (proxy) holds 50 FIN_WAIT2 sockets');
  });
});
