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
});
