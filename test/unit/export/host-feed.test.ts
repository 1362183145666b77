// Whole-host export: every netns under its own netns label up to --max-netns (first seen), the rest summed under
// netns="other", and a vanished netns's series removed from /metrics.
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { hostSnapshotsForExport } from '../../../src/export/host-feed.js';
import { createMetrics } from '../../../src/export/metrics.js';
import type { HostSnapshot, NetnsSection } from '../../../src/model/host-snapshot.js';
import { snap } from '../alert/snapshots.js';

const section = (name: string, inode: number, overflows: number): NetnsSection => ({
  netns: { inode, name },
  status: 'ok',
  rank: 0,
  worst: undefined,
  fullestListener: undefined,
  notes: [],
  rates: { connIn: 0, connOut: 0, overflows, synDrops: 0, rstSent: 0, rstRecv: 0, synackRetrans: 0, drops: 0 },
  snapshot: snap(0, {
    netns: { inode, name },
    counters: { TcpExtListenOverflows: overflows },
    states: { ESTABLISHED: 2 },
  }),
});
const host = (sections: NetnsSection[]): HostSnapshot => ({
  schemaVersion: 2,
  kind: 'host',
  time: 1,
  seq: 0,
  intervalMs: 1000,
  mode: 'ebpf',
  modeReason: undefined,
  totals: {
    namespaces: sections.length,
    troubled: 0,
    idle: 0,
    states: {},
    rates: sections[0]!.rates,
    findings: { critical: 0, warning: 0, info: 0 },
  },
  namespaces: sections,
  events: { lost: 0, suppressed: 0 },
  gaps: [],
  notes: [],
  pollMs: 1,
});

describe('whole-host export', () => {
  it('labels each netns, sums past --max-netns under "other", removes a vanished netns', async () => {
    const metrics = createMetrics();
    const in$ = new Subject<HostSnapshot>();
    hostSnapshotsForExport(in$, metrics, 2).subscribe((s) => metrics.update(s));
    in$.next(host([section('web1', 1, 3), section('web2', 2, 4), section('db1', 3, 5), section('db2', 4, 6)]));
    let text = await metrics.text();
    expect(text).toMatch(/netns="web1"/);
    expect(text).toMatch(/netns="web2"/);
    expect(text).not.toMatch(/netns="db1"/);
    expect(text).toMatch(/tcpscope_sockets\{netns="other",state="ESTABLISHED"\} 4/);
    expect(text).toMatch(/netns="other"[^\n]*\} 11/); // 5 + 6 overflows summed
    in$.next(host([section('web2', 2, 0), section('db1', 3, 0), section('db2', 4, 0)]));
    await new Promise((r) => setTimeout(r, 10));
    text = await metrics.text();
    expect(text).not.toMatch(/netns="web1"/);
    expect(text).toMatch(/netns="db1"/); // took the free slot
  });

  it("a rename of one container removes only that netns's old-labelled series; the other netns keeps counting", async () => {
    const metrics = createMetrics();
    const in$ = new Subject<HostSnapshot>();
    hostSnapshotsForExport(in$, metrics).subscribe((s) => metrics.update(s));
    const docker = (name: string) => ({ runtime: 'docker' as const, name, id: name.repeat(8) });
    const owned = (inode: number, name: string, overflows: number): NetnsSection => {
      const sec = section(String(inode), inode, overflows);
      const netns = { inode, name: undefined, owner: docker(name) };
      return { ...sec, netns, snapshot: { ...sec.snapshot!, netns } };
    };
    const line = (text: string, metric: string, labels: string): string | undefined =>
      text.split('\n').find((l) => l.startsWith(`${metric}{${labels}}`));
    in$.next(host([owned(11, 'web', 3), owned(12, 'db', 5)]));
    in$.next(host([owned(11, 'web', 1), owned(12, 'db', 2)]));
    in$.next(host([owned(11, 'web-renamed', 4), owned(12, 'db', 7)]));
    await new Promise((r) => setTimeout(r, 10));
    const text = await metrics.text();
    const web = 'netns="11",runtime="docker",container="web"';
    const renamed = 'netns="11",runtime="docker",container="web-renamed"';
    const db = 'netns="12",runtime="docker",container="db"';
    // The other netns's counters are not reset: 5 + 2 + 7 overflows, 3 snapshots.
    expect(line(text, 'tcpscope_netstat_tcpext_listen_overflows_total', db)).toBe(
      `tcpscope_netstat_tcpext_listen_overflows_total{${db}} 14`,
    );
    expect(line(text, 'tcpscope_snapshots_total', db)).toBe(`tcpscope_snapshots_total{${db}} 3`);
    expect(line(text, 'tcpscope_sockets', `${db},state="ESTABLISHED"`)).toBeDefined();
    // The renamed netns: no series under the old name, its new series from the rename on.
    expect(text).not.toContain(web);
    expect(line(text, 'tcpscope_snapshots_total', renamed)).toBe(`tcpscope_snapshots_total{${renamed}} 1`);
    expect(line(text, 'tcpscope_netstat_tcpext_listen_overflows_total', renamed)).toBe(
      `tcpscope_netstat_tcpext_listen_overflows_total{${renamed}} 4`,
    );
    expect(line(text, 'tcpscope_sockets', `${renamed},state="ESTABLISHED"`)).toBeDefined();
  });
});
